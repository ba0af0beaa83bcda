package dev.botops.maintenance;

import java.time.Instant;
import java.util.List;

/**
 * What a run did (or, in a dry run, would do) to one policy's table.
 *
 * @param rows              rows deleted, or that a real run would delete
 * @param droppedPartitions partitions dropped (or that would be) whole
 * @param quotaBytesFreed   size of those partitions: space that goes back to the quota at once
 * @param reusableBytes     on-disk size of the deleted rows: reusable inside the table, not returned to the quota
 * @param bytesBefore       the table's total size (all partitions, indexes, TOAST) before; equal to after in a dry run
 * @param archiveFile       the archive written, or {@code null}
 * @param stoppedBy         CANCELLED or BUDGET_REACHED when the run stopped in this table, else {@code null}
 * @param error             why this table failed, or {@code null}
 */
public record TableResult(String policy, String table, String strategy, Instant cutoff, long rows, List<String> droppedPartitions,
                          long quotaBytesFreed, long reusableBytes, long bytesBefore, long bytesAfter, String archiveFile,
                          Outcome stoppedBy, String error) {
    public TableResult {
        droppedPartitions = List.copyOf(droppedPartitions);
    }
}
