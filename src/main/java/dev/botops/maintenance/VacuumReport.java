package dev.botops.maintenance;

import java.util.List;

/**
 * Space before and after a VACUUM: what went back to the quota ({@code pg_database_size} fell) and what
 * only became reusable inside the tables (dead rows cleared, files the same size).
 */
public record VacuumReport(long databaseBytesBefore, long databaseBytesAfter, List<TableVacuum> tables) {
    public VacuumReport {
        tables = List.copyOf(tables);
    }

    /** Bytes returned to the quota: the fall of the database size (never negative). */
    public long returnedToQuota() {
        return Math.max(0, databaseBytesBefore - databaseBytesAfter);
    }

    public boolean anyFailed() {
        return tables.stream().anyMatch(t -> t.error() != null || t.refusedReason() != null);
    }

    /**
     * One table.
     *
     * @param reusableBytes estimate of the space the cleared dead rows leave for reuse inside the table
     * @param refusedReason why VACUUM FULL was not run (no room in the quota for the copy), else {@code null}
     */
    public record TableVacuum(String table, boolean full, long bytesBefore, long bytesAfter, long deadRowsBefore,
                              long deadRowsAfter, long reusableBytes, String refusedReason, String error) {
        /** Bytes this table gave back to the file system (a FULL rewrite, or trailing pages cut off). */
        public long returnedBytes() {
            return Math.max(0, bytesBefore - bytesAfter);
        }
    }
}
