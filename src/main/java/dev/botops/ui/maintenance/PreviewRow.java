package dev.botops.ui.maintenance;

import dev.botops.maintenance.TableResult;
import dev.botops.ui.common.Formats;

/**
 * One policy's table in the cleanup preview: what a real run would delete, and the space it would free: back to the
 * quota (whole partitions dropped) and reusable inside the table (rows deleted).
 */
public record PreviewRow(String table, String policy, String strategy, long rows, String quota, String reusable) {
    static PreviewRow of(TableResult t) {
        return new PreviewRow(t.table(), t.policy(), RunReportText.strategy(t.strategy()), t.rows(), RunReportText.quota(t),
                RunReportText.reusable(t));
    }

    /** The row count as shown ("12,345"). */
    public String rowsText() {
        return Formats.count(rows);
    }
}
