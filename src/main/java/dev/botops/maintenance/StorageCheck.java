package dev.botops.maintenance;

import dev.botops.db.Database;
import dev.botops.db.Work;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Builds the {@link StorageReport}, creating missing partitions ahead on the way. */
final class StorageCheck {
    private static final int LARGEST = 5;

    private final Database db;
    private final PartitionManager partitions;
    private final VacuumRunner vacuum;
    private final long quotaBytes;
    private final double deadRowsPercent;
    private final long deadRowsMinBytes;

    StorageCheck(Database db, PartitionManager partitions, VacuumRunner vacuum, long quotaBytes, double deadRowsPercent, long deadRowsMinBytes) {
        this.db = db;
        this.partitions = partitions;
        this.vacuum = vacuum;
        this.quotaBytes = quotaBytes;
        this.deadRowsPercent = deadRowsPercent;
        this.deadRowsMinBytes = deadRowsMinBytes;
    }

    StorageReport check(List<ResolvedPolicy> partitioned, Instant now, int daysAhead) {
        List<StorageReport.PartitionedTable> tables = new ArrayList<>();
        for (ResolvedPolicy policy : partitioned) {
            List<String> created = partitions.ensureAhead(policy.table(), policy.column(), now, daysAhead);
            tables.add(describe(policy.table(), now, created));
        }
        List<StorageReport.TableSize> largest = db.withConnection(Work.MAINTENANCE, c -> {
            List<StorageReport.TableSize> result = new ArrayList<>();
            // Partitioned parents are summed over their partitions; partitions themselves are not listed twice.
            try (ResultSet rs = c.createStatement().executeQuery("SELECT n.nspname || '.' || c.relname, "
                    + "CASE c.relkind WHEN 'p' THEN (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree(c.oid)) "
                    + "ELSE pg_total_relation_size(c.oid) END AS bytes "
                    + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                    + "AND n.nspname NOT LIKE 'pg_toast%' ORDER BY bytes DESC LIMIT " + LARGEST)) {
                while (rs.next()) {
                    result.add(new StorageReport.TableSize(rs.getString(1), rs.getLong(2)));
                }
            }
            return result;
        });
        List<String> needVacuum = vacuum.tablesNeedingVacuum(deadRowsPercent, deadRowsMinBytes).stream().map(TableRef::display).toList();
        long databaseBytes = db.withConnection(Work.MAINTENANCE, Catalog::databaseBytes);
        return new StorageReport(databaseBytes, quotaBytes, largest, needVacuum, tables);
    }

    private StorageReport.PartitionedTable describe(TableRef table, Instant now, List<String> created) {
        Instant endOfToday = now.atZone(ZoneOffset.UTC).toLocalDate().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        List<Partition> all = partitions.partitions(table);
        int ahead = (int) all.stream().filter(p -> p.lower() != null && !p.lower().isBefore(endOfToday)).count();
        long defaultRows = 0;
        for (Partition p : all) {
            if (p.isDefault()) {
                defaultRows += db.withConnection(Work.MAINTENANCE, c -> Catalog.rowCount(c, p.table()));
            }
        }
        return new StorageReport.PartitionedTable(table.display(), all.size(), ahead, defaultRows, created);
    }
}
