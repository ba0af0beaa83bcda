package dev.botops.maintenance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** The few size and count queries maintenance reports are made of. */
final class Catalog {
    /**
     * The relation named by a parameter (given twice) and, when it is partitioned, all its partitions.
     * {@code pg_partition_tree} alone returns nothing for a plain table.
     */
    static final String TREE = "(SELECT relid FROM pg_partition_tree(to_regclass(?)) UNION SELECT to_regclass(?))";

    private Catalog() {
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

    /** Exact count and on-disk size (pg_column_size) of the rows older than the cutoff. */
    static long[] expiredRows(Connection c, TableRef table, String column, java.time.Instant cutoff, boolean withBytes) throws SQLException {
        String col = TableRef.quote(column);
        String sql = "SELECT count(*), " + (withBytes ? "coalesce(sum(pg_column_size(t.*)), 0)" : "0") + " FROM " + table.quoted()
                + " t WHERE t." + col + " < ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, cutoff.atOffset(java.time.ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    static long rowCount(Connection c, TableRef table) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table.quoted())) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
