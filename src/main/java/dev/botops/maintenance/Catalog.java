package dev.botops.maintenance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The few size and count queries maintenance reports are made of. */
final class Catalog {
    /**
     * The relation named by a parameter (given twice) and, when it is partitioned, all its partitions.
     * {@code pg_partition_tree} alone returns nothing for a plain table.
     */
    static final String TREE = "(SELECT relid FROM pg_partition_tree(to_regclass(?)) UNION SELECT to_regclass(?))";

    /** The row estimate in the first line of EXPLAIN's text output. */
    private static final Pattern PLAN_ROWS = Pattern.compile("rows=(\\d+)");

    private Catalog() {
    }

    /**
     * A relation found by name, as an operator writes it (see {@link #relation}).
     *
     * @param refusal why maintenance may not act on it ({@link UserTables}), or {@code null} for an ordinary user table
     * @param owner   the role that owns it
     */
    record Relation(long oid, TableRef table, char kind, UserTables.Refusal refusal, String owner) {
    }

    /**
     * The relation a name given by the operator (a policy's table, a table to VACUUM) means, quoting as in SQL: a
     * schema-qualified name as it says; an unqualified one in BotOps' schema (the search path of the app's work),
     * else in {@code public}, where an operator's session would find it.
     */
    static Optional<Relation> relation(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT c.oid, n.nspname, c.relname, c.relkind, " + UserTables.REFUSAL
                + ", pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = "
                + "coalesce(to_regclass(?), CASE WHEN cardinality(parse_ident(?)) = 1 THEN to_regclass('public.' || ?) END)")) {
            ps.setString(1, name);
            ps.setString(2, name);
            ps.setString(3, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String refusal = rs.getString(5);
                return Optional.of(new Relation(rs.getLong(1), new TableRef(rs.getString(2), rs.getString(3)), rs.getString(4).charAt(0),
                        refusal == null ? null : UserTables.Refusal.valueOf(refusal), rs.getString(6)));
            }
        }
    }

    static long databaseBytes(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT pg_database_size(current_database())")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Heap, indexes and TOAST of a table, summed over all partitions of a partitioned one. */
    static long tableBytes(Connection c, TableRef table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0) FROM " + TREE + " t")) {
            ps.setString(1, table.quoted());
            ps.setString(2, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Exact number of rows older than the cutoff (the dry run's answer). */
    static long expiredRows(Connection c, TableRef table, String column, Instant cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table.quoted() + " t WHERE t." + TableRef.quote(column) + " < ?")) {
            ps.setObject(1, cutoff.atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The planner's estimate of the rows older than the cutoff: enough for a progress bar, and free. */
    static long estimatedExpiredRows(Connection c, TableRef table, String column, Instant cutoff) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("EXPLAIN SELECT 1 FROM " + table.quoted() + " t WHERE t." + TableRef.quote(column)
                + " < ?")) {
            ps.setObject(1, cutoff.atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Matcher m = PLAN_ROWS.matcher(rs.getString(1));
                return m.find() ? Long.parseLong(m.group(1)) : 0;
            }
        }
    }

    /**
     * Average on-disk size of a row of the table, from a sample of up to 1,000 rows: deleted rows times this
     * estimates the space they leave reusable inside the table.
     */
    static long averageRowBytes(Connection c, TableRef table) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT coalesce(avg(pg_column_size(s.*)), 0)::bigint FROM (SELECT * FROM "
                + table.quoted() + " LIMIT 1000) s")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long rowCount(Connection c, TableRef table) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table.quoted())) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
