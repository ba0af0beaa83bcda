package dev.botops.ui.tables;

import java.time.Instant;

/**
 * One line of the Tables screen: a table (or a partition) as the latest snapshot saw it, and its retention.
 *
 * @param name          {@code schema.name}
 * @param qualifiedName quoted where SQL needs it (what VACUUM is given)
 * @param partitionOf   the partitioned parent, or {@code null}
 * @param lastVacuum    the later of the last manual VACUUM and autovacuum, or {@code null}
 * @param lastAnalyze   the later of the last manual ANALYZE and autoanalyze, or {@code null}
 * @param retention     the retention policy in a few words
 */
public record TableRow(String name, String qualifiedName, String partitionOf, long totalBytes, long heapBytes,
                       long indexBytes, long toastBytes, long liveRows, long deadRows, double deadPercent,
                       Instant lastVacuum, Instant lastAnalyze, String retention) {
}
