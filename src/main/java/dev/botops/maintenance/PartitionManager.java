package dev.botops.maintenance;

import dev.botops.db.Database;
import dev.botops.db.DatabaseException;
import dev.botops.db.Work;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily partitions {@code <table>_pYYYYMMDD} of the range-partitioned tables. Days are UTC days, so every
 * partition spans exactly 24 hours whatever the local daylight-saving rules.
 *
 * <p>Creating a partition is done as CREATE + ATTACH (a SHARE UPDATE EXCLUSIVE lock on the parent, so
 * inserts go on) rather than {@code CREATE TABLE ... PARTITION OF} (ACCESS EXCLUSIVE). When rows for that day
 * already sit in the DEFAULT partition, PostgreSQL would refuse the new partition; they are moved into it
 * in the same short transaction. Dropping is DETACH (brief exclusive lock, short lock_timeout, retried),
 * then the detached table is counted or archived without any lock on the parent, then DROP. A detached
 * table carries a comment, so a crash between DETACH and DROP is finished by the next run.
 */
final class PartitionManager {
    static final String DETACHED_COMMENT = "botops: detached by retention, to be dropped";
    private static final Logger log = LoggerFactory.getLogger(PartitionManager.class);
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");

    private final Database db;

    PartitionManager(Database db) {
        this.db = db;
    }

    /** The leaf partitions of a partitioned table, with bounds and sizes. */
    List<Partition> partitions(TableRef parent) {
        return db.withConnection(Work.MAINTENANCE, c -> partitions(c, parent));
    }

    private static List<Partition> partitions(Connection c, TableRef parent) throws SQLException {
        // The bounds come back as text in this session's time zone and are cast back in the same session: exact.
        String sql = "SELECT n.nspname, c.relname, pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT', b[1]::timestamptz, b[2]::timestamptz, "
                + "pg_total_relation_size(c.oid) "
                + "FROM pg_partition_tree(?::regclass) t JOIN pg_class c ON c.oid = t.relid "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "LEFT JOIN LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid), "
                + "'^FOR VALUES FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)$') b ON true "
                + "WHERE t.isleaf AND t.level > 0 ORDER BY b[1]::timestamptz NULLS FIRST, c.relname";
        List<Partition> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parent.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new Partition(new TableRef(rs.getString(1), rs.getString(2)), instant(rs, 4), instant(rs, 5),
                            rs.getBoolean(3), rs.getLong(6)));
                }
            }
        }
        return result;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /**
     * Makes sure a daily partition exists for today (UTC) and the given number of days ahead. Days already
     * covered by any partition are left alone. Returns the names of the partitions created.
     */
    List<String> ensureAhead(TableRef parent, String column, Instant now, int daysAhead) {
        LocalDate today = now.atZone(ZoneOffset.UTC).toLocalDate();
        List<String> created = ensureDays(parent, column, today, today.plusDays(daysAhead));
        if (!created.isEmpty()) {
            log.info("Created partitions ahead: {}", created);
        }
        return created;
    }

    /**
     * Makes sure a daily partition exists for every UTC day from {@code first} to {@code last}, both included. Days
     * already covered by any partition are left alone; rows of a new day already in the DEFAULT partition move into
     * it. Returns the names of the partitions created.
     */
    List<String> ensureDays(TableRef parent, String column, LocalDate first, LocalDate last) {
        List<String> created = new ArrayList<>();
        List<Partition> existing = partitions(parent);
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            Instant lo = day.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant hi = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            if (existing.stream().anyMatch(p -> overlaps(p, lo, hi))) {
                continue;
            }
            if (createDaily(parent, column, day, lo, hi)) {
                created.add(dailyName(parent, day).display());
            }
        }
        return created;
    }

    private static boolean overlaps(Partition p, Instant lo, Instant hi) {
        return p.lower() != null && p.upper() != null && p.lower().isBefore(hi) && p.upper().isAfter(lo);
    }

    static TableRef dailyName(TableRef parent, LocalDate day) {
        return new TableRef(parent.schema(), parent.name() + "_p" + SUFFIX.format(day));
    }

    /** Returns false when another instance created an overlapping partition first. */
    private boolean createDaily(TableRef parent, String column, LocalDate day, Instant lo, Instant hi) {
        TableRef child = dailyName(parent, day);
        String loLiteral = "'" + lo + "'";
        String hiLiteral = "'" + hi + "'";
        String col = TableRef.quote(column);
        try {
            db.inTransaction(MaintenanceWork.PARTITIONS, c -> {
                List<Partition> defaults = partitions(c, parent).stream().filter(Partition::isDefault).toList();
                String columns = columnList(c, parent);
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE " + child.quoted() + " (LIKE " + parent.quoted()
                            + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)");
                    // Lets ATTACH skip scanning the new table for rows outside the range.
                    s.execute("ALTER TABLE " + child.quoted() + " ADD CONSTRAINT " + TableRef.quote(child.name() + "_range")
                            + " CHECK (" + col + " IS NOT NULL AND " + col + " >= " + loLiteral + " AND " + col + " < " + hiLiteral + ")");
                    for (Partition def : defaults) {
                        int moved = s.executeUpdate("WITH moved AS (DELETE FROM " + def.table().quoted() + " WHERE " + col + " >= "
                                + loLiteral + " AND " + col + " < " + hiLiteral + " RETURNING " + columns + ") INSERT INTO "
                                + child.quoted() + " (" + columns + ") SELECT " + columns + " FROM moved");
                        if (moved > 0) {
                            log.info("Moved {} row(s) of {} from {} into the new partition {}", moved, day, def.table(), child);
                        }
                    }
                    s.execute("ALTER TABLE " + parent.quoted() + " ATTACH PARTITION " + child.quoted()
                            + " FOR VALUES FROM (" + loLiteral + ") TO (" + hiLiteral + ")");
                    s.execute("ALTER TABLE " + child.quoted() + " DROP CONSTRAINT " + TableRef.quote(child.name() + "_range"));
                }
                return null;
            });
            return true;
        } catch (DatabaseException e) {
            // 42P07: the table exists; 42P17: another partition overlaps. Both mean someone else got there first.
            if ("42P07".equals(e.sqlState()) || "42P17".equals(e.sqlState())) {
                log.debug("Partition {} not created: {}", child, e.getMessage());
                return false;
            }
            throw e;
        }
    }

    private static String columnList(Connection c, TableRef table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute "
                + "WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /**
     * Detaches a partition from its parent in a short transaction and marks it, so a crash before
     * {@link #dropDetached} leaves a table the next run recognises.
     */
    void detach(TableRef parent, TableRef partition) {
        db.inTransaction(MaintenanceWork.PARTITIONS, c -> {
            try (Statement s = c.createStatement()) {
                // Inserts into the parent wait while DETACH holds its lock, until COMMIT. Not waiting for the WAL flush
                // at COMMIT shortens that; it is safe because a DETACH lost in a crash is simply done again by the next
                // run, and the DROP that follows commits synchronously, which flushes this DETACH first.
                s.execute("SET LOCAL synchronous_commit = off");
                s.execute("ALTER TABLE " + parent.quoted() + " DETACH PARTITION " + partition.quoted());
                s.execute("COMMENT ON TABLE " + partition.quoted() + " IS '" + DETACHED_COMMENT + "'");
            }
            return null;
        });
    }

    void dropDetached(TableRef partition) {
        db.inTransaction(MaintenanceWork.PARTITIONS, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + partition.quoted());
            }
            return null;
        });
    }

    /** Tables that an earlier run detached from this parent but did not get to drop. */
    List<Partition> leftoverDetached(TableRef parent) {
        return db.withConnection(Work.MAINTENANCE, c -> {
            List<Partition> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                    + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind = 'r' AND NOT c.relispartition "
                    + "AND left(c.relname, length(?) + 2) = ? || '_p' AND obj_description(c.oid, 'pg_class') = ? ORDER BY 1")) {
                ps.setString(1, parent.schema());
                ps.setString(2, parent.name());
                ps.setString(3, parent.name());
                ps.setString(4, DETACHED_COMMENT);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(new Partition(new TableRef(parent.schema(), rs.getString(1)), null, null, false, rs.getLong(2)));
                    }
                }
            }
            return result;
        });
    }
}
