package dev.botops.ui.maintenance;

import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.TableResult;
import dev.botops.ui.common.Formats;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a run did to one table: rows, partitions, the space it gave back to the quota and made reusable inside the
 * table, and where the deleted rows were archived.
 */
public record DetailRow(String table, String strategy, long rows, String partitions, String quota, String reusable, String archive) {
    /** The tables that lost rows first. */
    static List<DetailRow> of(RunReport report) {
        return report.tables().stream().sorted(Comparator.comparingLong(TableResult::rows).reversed())
                .map(DetailRow::of).collect(Collectors.toList());
    }

    static DetailRow of(TableResult t) {
        String partitions = t.droppedPartitions().isEmpty() ? "—" : t.droppedPartitions().size() + " dropped";
        String archive = t.archiveFile() == null ? "—" : t.archiveFile();
        String strategy = RunReportText.strategy(t.strategy()) + (t.stoppedBy() != null ? " (" + t.stoppedBy().name().toLowerCase(Locale.ROOT) + ")" : "")
                + (t.error() != null ? " — failed: " + t.error() : "");
        return new DetailRow(t.table(), strategy, t.rows(), partitions, RunReportText.quota(t), RunReportText.reusable(t), archive);
    }

    public String rowsText() {
        return Formats.count(rows);
    }
}
