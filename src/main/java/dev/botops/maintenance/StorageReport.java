package dev.botops.maintenance;

import java.util.List;

/**
 * The maintenance health report: storage against the quota, the biggest tables, what needs VACUUM, and
 * whether the partitioned tables have their partitions ahead.
 */
public record StorageReport(long databaseBytes, long quotaBytes, List<TableSize> largestTables, List<String> tablesNeedingVacuum,
                           List<PartitionedTable> partitionedTables) {
    public StorageReport {
        largestTables = List.copyOf(largestTables);
        tablesNeedingVacuum = List.copyOf(tablesNeedingVacuum);
        partitionedTables = List.copyOf(partitionedTables);
    }

    public double usedPercent() {
        return quotaBytes == 0 ? 0 : 100.0 * databaseBytes / quotaBytes;
    }

    public record TableSize(String table, long bytes) {
    }

    /**
     * @param daysAhead   whole UTC days after today that already have a partition
     * @param defaultRows rows that fell into the DEFAULT partition (no daily partition for their time)
     * @param created     partitions this check created
     */
    public record PartitionedTable(String table, int partitions, int daysAhead, long defaultRows, List<String> created) {
        public PartitionedTable {
            created = List.copyOf(created);
        }
    }
}
