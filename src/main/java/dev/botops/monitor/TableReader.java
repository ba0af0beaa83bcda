package dev.botops.monitor;

import dev.botops.db.SqlErrors;
import dev.botops.monitor.DatabaseSnapshot.TableStats;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every user table for a snapshot: row counts, dead rows and vacuum times fresh each time from one
 * catalog query, and sizes from the size functions, but only for the tables whose sizes may have changed.
 *
 * <p>Why incremental: the size functions open every table, index and TOAST relation and stat their files;
 * for thousands of tables that is most of a snapshot's cost. A table's files change only through writes,
 * VACUUM, or a rewrite (VACUUM FULL, CLUSTER, TRUNCATE, REINDEX, a new index). The catalog query therefore
 * reads a signature of each table (its file node, its indexes' file nodes, its write and vacuum counters)
 * and sizes are read again when the signature moved. Counters reach the statistics only when a writing
 * transaction ends, so every table is also re-read once every {@value #REFRESH_ROUNDS} snapshots (a
 * rotating share of the tables each time, to keep the cost flat): a table's sizes are never older than that.
 *
 * <p>Locks: size functions take ACCESS SHARE locks and would queue behind VACUUM FULL, TRUNCATE or DDL, or
 * behind a waiting request for such a lock. The size query skips tables with an ACCESS EXCLUSIVE lock
 * granted or requested ({@code pg_locks}, mapping index and TOAST locks to their table); a lock taken just
 * after that check makes the statement fail after the monitor's short {@code lock_timeout} (55P03), and it
 * is retried once. A table whose sizes could not be read keeps its last measured sizes (or a
 * {@code pg_class} page-count estimate) and is marked estimated; it never fails the snapshot. Size queries
 * cover at most {@value #SIZE_BATCH} tables each, and each runs in a transaction of its own (the connection
 * is a {@link dev.botops.db.Database} unit's: {@code commit()} begins the next transaction with the same
 * settings), so the locks of thousands of tables never pile up until the end of the snapshot.
 *
 * <p>Not thread-safe: {@link DatabaseMonitor} calls it one snapshot at a time.
 */
final class TableReader {
    static final int REFRESH_ROUNDS = 12;
    static final int SIZE_BATCH = 250;
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final Logger log = LoggerFactory.getLogger(TableReader.class);

    private static final String CATALOG_SQL = String.join("\n",
            "SELECT c.oid, n.nspname, c.relname, quote_ident(n.nspname) || '.' || quote_ident(c.relname),",
            "  (SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent",
            "     JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE c.relispartition AND i.inhrelid = c.oid LIMIT 1),",
            // reltuples is -1 (14+) or 0 (13) before the first VACUUM/ANALYZE: fall back to the live count.
            "  CASE WHEN c.reltuples > 0 THEN c.reltuples::bigint ELSE pg_stat_get_live_tuples(c.oid) END,",
            // The pg_stat_get_* functions rather than the pg_stat_user_tables view, which also sums index
            // scans over every index (several times the cost); they are the same on PostgreSQL 13 to 17.
            "  pg_stat_get_live_tuples(c.oid), pg_stat_get_dead_tuples(c.oid),",
            "  pg_stat_get_last_vacuum_time(c.oid), pg_stat_get_last_autovacuum_time(c.oid),",
            "  pg_stat_get_last_analyze_time(c.oid), pg_stat_get_last_autoanalyze_time(c.oid),",
            "  c.relfilenode,",
            "  pg_stat_get_tuples_inserted(c.oid) + pg_stat_get_tuples_updated(c.oid) + pg_stat_get_tuples_deleted(c.oid),",
            "  pg_stat_get_vacuum_count(c.oid) + pg_stat_get_autovacuum_count(c.oid)",
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace",
            "WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't'",
            "  AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'");

    /**
     * Sizes of the tables in {@code ?2}: from the size functions, or for a table that is locked (unless
     * {@code ?1} is false) from {@code pg_class} page counts, flagged.
     */
    private static final String SIZES_SQL = String.join("\n",
            "WITH locked AS (",
            "  SELECT coalesce(owner_of_toast.oid, toast_of_index.oid, idx.indrelid, l.relation) AS table_oid",
            "  FROM pg_locks l",
            "  LEFT JOIN pg_index idx ON idx.indexrelid = l.relation",
            "  LEFT JOIN pg_class toast_of_index ON toast_of_index.reltoastrelid = idx.indrelid",
            "  LEFT JOIN pg_class owner_of_toast ON owner_of_toast.reltoastrelid = l.relation",
            "  WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'",
            "    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            "), bs AS (SELECT current_setting('block_size')::bigint AS block)",
            // Each relation's files once: the heap's forks (init only exists for unlogged tables), the indexes,
            // the TOAST table with its index. pg_table_size would read the TOAST files a second time.
            "SELECT c.oid, lk.locked,",
            "  CASE WHEN NOT lk.locked THEN pg_relation_size(c.oid, 'main') + pg_relation_size(c.oid, 'fsm')",
            "    + pg_relation_size(c.oid, 'vm') + CASE WHEN c.relpersistence = 'u' THEN pg_relation_size(c.oid, 'init') ELSE 0 END END,",
            "  CASE WHEN NOT lk.locked THEN pg_indexes_size(c.oid) END,",
            "  CASE WHEN c.reltoastrelid = 0 THEN 0 WHEN NOT lk.locked THEN pg_total_relation_size(c.reltoastrelid) END,",
            "  c.relpages::bigint * bs.block,",
            "  coalesce((SELECT sum(ic.relpages) FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid",
            "            WHERE x.indrelid = c.oid), 0)::bigint * bs.block,",
            "  coalesce((SELECT t.relpages FROM pg_class t WHERE t.oid = c.reltoastrelid), 0)::bigint * bs.block",
            "FROM pg_class c CROSS JOIN bs",
            "CROSS JOIN LATERAL (SELECT ? AND EXISTS (SELECT 1 FROM locked WHERE locked.table_oid = c.oid) AS locked) lk",
            "WHERE c.oid = ANY (?::oid[])");

    private final boolean lockPrecheck;
    private final Map<Long, Measured> measured = new HashMap<>();
    private long round;

    /** @param lockPrecheck false skips the {@code pg_locks} check (tests drive the lock-timeout path with it) */
    TableReader(boolean lockPrecheck) {
        this.lockPrecheck = lockPrecheck;
    }

    /**
     * What makes a table's files change; while it stays the same, so do the sizes. (A rewrite gives the table
     * a new file node; an index built or rebuilt on its own is picked up by the rotation.)
     */
    private record Signature(long fileNode, long writes, long vacuums) {
    }

    /** Sizes as last read with the size functions. */
    private record Measured(Signature signature, long heapBytes, long indexBytes, long toastBytes, Instant at) {
    }

    /** One row of the catalog query. */
    private record Row(long oid, String schema, String name, String qualifiedName, String partitionOf, Signature signature,
                       long estimatedRows, long liveRows, long deadRows, Instant lastVacuum, Instant lastAutovacuum,
                       Instant lastAnalyze, Instant lastAutoanalyze) {
    }

    /** One row of the size query: exact sizes, or page-count estimates when the table was locked. */
    private record Sizes(boolean locked, long heapBytes, long indexBytes, long toastBytes) {
    }

    /** The tables, largest first. */
    List<TableStats> read(Connection c, Instant now) throws SQLException {
        List<Row> rows = catalog(c);
        long slot = round++ % REFRESH_ROUNDS;
        Set<Long> due = new HashSet<>();
        for (Row row : rows) {
            Measured last = measured.get(row.oid());
            if (last == null || !last.signature().equals(row.signature()) || Math.floorMod(row.oid(), REFRESH_ROUNDS) == slot) {
                due.add(row.oid());
            }
        }
        Map<Long, Sizes> sizes = sizes(c, new ArrayList<>(due));
        List<TableStats> tables = new ArrayList<>(rows.size());
        Set<Long> present = new HashSet<>();
        for (Row row : rows) {
            present.add(row.oid());
            tables.add(stats(row, sizes.get(row.oid()), due.contains(row.oid()), now));
        }
        measured.keySet().retainAll(present);
        tables.sort(Comparator.comparingLong(TableStats::totalBytes).reversed().thenComparing(TableStats::displayName));
        return tables;
    }

    private TableStats stats(Row row, Sizes read, boolean wanted, Instant now) {
        Measured last = measured.get(row.oid());
        Sizes sizes;
        Instant measuredAt;
        boolean estimated;
        if (read != null && !read.locked()) {
            sizes = read;
            measuredAt = now;
            estimated = false;
            measured.put(row.oid(), new Measured(row.signature(), read.heapBytes(), read.indexBytes(), read.toastBytes(), now));
        } else if (last != null) {
            sizes = new Sizes(false, last.heapBytes(), last.indexBytes(), last.toastBytes());
            measuredAt = last.at();
            estimated = wanted;
        } else if (read != null) {
            sizes = read;
            measuredAt = null;
            estimated = true;
        } else {
            // Due, but its batch stayed locked: nothing is known about its sizes this time.
            sizes = new Sizes(true, 0, 0, 0);
            measuredAt = null;
            estimated = true;
        }
        long live = row.liveRows();
        long dead = row.deadRows();
        double deadPercent = live + dead == 0 ? 0 : 100.0 * dead / (live + dead);
        long total = sizes.heapBytes() + sizes.indexBytes() + sizes.toastBytes();
        return new TableStats(row.schema(), row.name(), row.qualifiedName(), row.partitionOf(), total, sizes.heapBytes(),
                sizes.indexBytes(), sizes.toastBytes(), row.estimatedRows(), live, dead, deadPercent, row.lastVacuum(),
                row.lastAutovacuum(), row.lastAnalyze(), row.lastAutoanalyze(), estimated, measuredAt);
    }

    private static List<Row> catalog(Connection c) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(CATALOG_SQL); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Signature signature = new Signature(rs.getLong(13), rs.getLong(14), rs.getLong(15));
                rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), signature,
                        rs.getLong(6), rs.getLong(7), rs.getLong(8), instant(rs.getTimestamp(9)), instant(rs.getTimestamp(10)),
                        instant(rs.getTimestamp(11)), instant(rs.getTimestamp(12))));
            }
        }
        return rows;
    }

    /** Sizes by table oid, for the tables that could be read. */
    private Map<Long, Sizes> sizes(Connection c, List<Long> oids) throws SQLException {
        Map<Long, Sizes> sizes = new HashMap<>();
        for (int from = 0; from < oids.size(); from += SIZE_BATCH) {
            List<Long> batch = oids.subList(from, Math.min(oids.size(), from + SIZE_BATCH));
            if (from > 0) {
                c.commit();
            }
            readBatchSurvivingLocks(c, batch, sizes);
        }
        return sizes;
    }

    private void readBatchSurvivingLocks(Connection c, List<Long> batch, Map<Long, Sizes> sizes) throws SQLException {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                readBatch(c, batch, sizes);
                return;
            } catch (SQLException e) {
                if (!LOCK_NOT_AVAILABLE.equals(SqlErrors.sqlState(e))) {
                    throw e;
                }
                c.rollback();
                log.debug("A table was locked while its size was read (attempt {})", attempt);
            }
        }
        log.info("Tables stayed locked while the monitor read their sizes; {} table(s) keep their last sizes this time", batch.size());
    }

    private void readBatch(Connection c, List<Long> batch, Map<Long, Sizes> sizes) throws SQLException {
        Array oids = c.createArrayOf("int8", batch.toArray(new Long[0]));
        try (PreparedStatement ps = c.prepareStatement(SIZES_SQL)) {
            ps.setBoolean(1, lockPrecheck);
            ps.setArray(2, oids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sizes.put(rs.getLong(1), sizes(rs));
                }
            }
        } finally {
            oids.free();
        }
    }

    private static Sizes sizes(ResultSet rs) throws SQLException {
        boolean locked = rs.getBoolean(2);
        Long heap = (Long) rs.getObject(3);
        Long index = (Long) rs.getObject(4);
        Long toast = (Long) rs.getObject(5);
        // A table dropped while the query ran makes the size functions return NULL: estimate it too.
        if (locked || heap == null || index == null || toast == null) {
            return new Sizes(true, rs.getLong(6), rs.getLong(7), rs.getLong(8));
        }
        return new Sizes(false, heap, index, toast);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
