package dev.botops.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layout BotOps 0.1.0 left behind: its tables in {@code public}, Flyway's history in
 * {@code public.flyway_schema_history}. Recognised only by that history holding exactly what 0.1.0 applied
 * (its versions, scripts and checksums), never by table names: an operator's own {@code users} table, or an
 * operator's own Flyway history, is not ours and is never touched.
 *
 * <p>{@link #move} puts everything those migrations created into BotOps' schema in the caller's one
 * transaction: the tables with {@code ALTER TABLE ... SET SCHEMA} (indexes, constraints and owned sequences go
 * with them), each partition on its own (a partition does not follow its parent), the partitions an
 * interrupted retention run had detached, and the history, whose rows are carried over. Interrupted at any
 * point, the transaction rolls back and the old layout stays as it was; the next start does it again.
 */
final class LegacyLayout {
    private static final Logger log = LoggerFactory.getLogger(LegacyLayout.class);
    private static final String HISTORY = "public.flyway_schema_history";
    /** What each of 0.1.0's migrations created (besides partitions, sequences and indexes, which follow their tables). */
    private static final Map<String, List<String>> TABLES = new LinkedHashMap<>();
    /** How 0.1.0's retention marked a partition it had detached and not yet dropped. */
    private static final String DETACHED_COMMENT = "botops: detached by retention, to be dropped";

    static {
        TABLES.put("1", List.of("users", "positions", "trades", "processed_updates", "bot_offsets", "price_ticks", "message_log",
                "instance_lease", "metric_samples", "maintenance_runs", "alerts"));
        TABLES.put("2.1", List.of("table_size_samples"));
        TABLES.put("5.1", List.of("demo_data"));
    }

    private LegacyLayout() {
    }

    /** One row of 0.1.0's Flyway history. */
    record Applied(Migration migration, String installedBy, Timestamp installedOn, long executionMillis) {
    }

    /** 0.1.0's history, when {@code public.flyway_schema_history} holds exactly what 0.1.0 applied; empty otherwise. */
    static Optional<List<Applied>> detect(Connection c, List<Migration> files) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(t.oid, 'SELECT') "
                     + "FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace "
                     + "WHERE n.nspname = 'public' AND t.relname = 'flyway_schema_history'")) {
            if (!rs.next() || !rs.getBoolean(1)) {
                return Optional.empty();
            }
        }
        Map<String, Migration> byVersion = new LinkedHashMap<>();
        files.forEach(m -> byVersion.put(m.version().toString(), m));
        List<Applied> applied = new ArrayList<>();
        int foreign = 0;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, script, checksum, type, success, installed_by, installed_on, execution_time "
                     + "FROM " + HISTORY + " ORDER BY installed_rank")) {
            while (rs.next()) {
                Migration file = byVersion.get(rs.getString(1));
                Object checksum = rs.getObject(3);
                boolean ours = file != null && TABLES.containsKey(rs.getString(1)) && file.script().equals(rs.getString(2))
                        && Integer.valueOf(file.flywayChecksum()).equals(checksum) && "SQL".equals(rs.getString(4)) && rs.getBoolean(5);
                if (ours) {
                    applied.add(new Applied(file, rs.getString(6), rs.getTimestamp(7), rs.getLong(8)));
                } else {
                    foreign++;
                }
            }
        }
        if (foreign > 0) {
            if (!applied.isEmpty()) {
                log.warn("{} holds {} row(s) of BotOps 0.1.0 and {} of something else; it is not treated as BotOps' and is left alone",
                        HISTORY, applied.size(), foreign);
            }
            return Optional.empty();
        }
        return applied.isEmpty() ? Optional.empty() : Optional.of(applied);
    }

    /** The tables in {@code public} that the applied migrations created, with their partitions; what {@link #move} moves. */
    static List<String> tables(Connection c, List<Applied> applied) throws SQLException {
        List<String> names = new ArrayList<>();
        for (Applied a : applied) {
            for (String table : TABLES.get(a.migration().version().toString())) {
                if (!exists(c, table)) {
                    continue;
                }
                names.add(table);
                names.addAll(partitionsAndLeftovers(c, table));
            }
        }
        return names;
    }

    /**
     * Moves 0.1.0's tables and history into {@code schema} (created if missing, with the history table) in the
     * caller's transaction. Refuses, changing nothing, when the schema already holds a table of the same name.
     */
    static List<String> move(Connection c, String schema, List<Applied> applied) throws SQLException {
        List<String> tables = tables(c, applied);
        List<String> clashes = new ArrayList<>();
        for (String table : tables) {
            if (existsIn(c, schema, table)) {
                clashes.add(schema + "." + table);
            }
        }
        if (!clashes.isEmpty()) {
            throw new MigrationRefusedException("BotOps 0.1.0's tables are in schema public, but schema " + schema + " already has "
                    + String.join(", ", clashes) + ". Nothing was moved: rename or drop one of each pair by hand (keep the one "
                    + "with your data), or set database.schema to an unused name.");
        }
        try (Statement s = c.createStatement()) {
            MigrationHistory.create(c, schema);
            for (String table : tables) {
                s.execute("ALTER TABLE public." + quote(table) + " SET SCHEMA " + schema);
            }
            try (PreparedStatement ps = c.prepareStatement(MigrationHistory.INSERT.formatted(schema))) {
                for (Applied a : applied) {
                    MigrationHistory.bind(ps, a.migration(), a.installedBy(), a.installedOn(), "0.1.0", a.executionMillis());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            if (tables.contains("table_size_samples")) {
                // The per-table size history goes on under the tables' new names.
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + schema + ".table_size_samples SET schema_name = ? "
                        + "WHERE schema_name = 'public' AND table_name = ANY (?)")) {
                    ps.setString(1, schema);
                    ps.setArray(2, c.createArrayOf("text", tables.toArray()));
                    ps.executeUpdate();
                }
            }
            s.execute("DROP TABLE " + HISTORY);
        }
        log.info("Moved BotOps 0.1.0's {} table(s) from schema public into schema {}", tables.size(), schema);
        return tables;
    }

    /** True when every table to move belongs to a role this one is a member of ({@code ALTER ... SET SCHEMA} needs it). */
    static boolean ownsAll(Connection c, List<String> tables) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(bool_and(pg_has_role(c.relowner, 'USAGE')), true) FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("text", tables.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static List<String> partitionsAndLeftovers(Connection c, String parent) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname FROM pg_partition_tree(?::regclass) t JOIN pg_class c ON c.oid = t.relid "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.level > 0 AND n.nspname = 'public' "
                + "UNION SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
                + "AND c.relkind = 'r' AND NOT c.relispartition AND left(c.relname, length(?) + 2) = ? || '_p' "
                + "AND obj_description(c.oid, 'pg_class') = ? ORDER BY 1")) {
            ps.setString(1, "public." + parent);
            ps.setString(2, parent);
            ps.setString(3, parent);
            ps.setString(4, DETACHED_COMMENT);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        return existsIn(c, "public", table);
    }

    private static boolean existsIn(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
