package dev.botops.maintenance;

import dev.botops.config.ConfigException;
import dev.botops.db.Database;
import dev.botops.db.Work;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks retention policies against the database catalog at start, so that a policy naming a missing table
 * or column fails with a clear configuration error instead of a failed run at 3 AM.
 */
final class PolicyCatalog {
    private static final Set<String> TIME_TYPES = Set.of("timestamp with time zone", "timestamp without time zone", "date");
    /**
     * BotOps' tables where they still share {@code public} with the operator's (databases from before BotOps had a
     * schema of its own): everything else there is the operator's. In a schema of its own, all of it is BotOps'.
     */
    private static final Set<String> OWN_TABLES_IN_PUBLIC = Set.of("users", "positions", "trades", "processed_updates", "bot_offsets",
            "price_ticks", "message_log", "instance_lease", "metric_samples", "maintenance_runs", "alerts", "table_size_samples", "demo_data",
            "flyway_schema_history");

    private PolicyCatalog() {
    }

    /** Resolves every enabled policy (disabled ones are carried along unresolved); throws {@link ConfigException}. */
    static List<ResolvedPolicy> resolve(Database db, List<RetentionPolicy> policies) {
        return db.withConnection(Work.MAINTENANCE, c -> {
            List<ResolvedPolicy> resolved = new ArrayList<>();
            for (RetentionPolicy policy : policies) {
                if (policy.enabled()) {
                    resolved.add(resolve(c, policy));
                }
            }
            return List.copyOf(resolved);
        });
    }

    /** Resolves one policy, enabled or not (a settings editor checks a policy before turning it on); throws {@link ConfigException}. */
    static ResolvedPolicy check(Database db, RetentionPolicy policy) {
        return db.withConnection(Work.MAINTENANCE, c -> resolve(c, policy));
    }

    /**
     * Why archived rows could not be written to {@code dir}, or {@code null} when they can: the directory (or, while it
     * does not exist yet, the nearest parent that does, where it will be created) must be a writable directory.
     */
    static String archiveDirProblem(Path dir) {
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            return "The archive directory " + dir + " cannot be created: " + existing + " is not a directory.";
        }
        if (!Files.isWritable(existing)) {
            return "The archive directory " + dir + " is not writable by this user" + (existing.equals(dir.toAbsolutePath()) ? "" : " ("
                    + existing + " cannot be written, so it cannot be created)") + ".";
        }
        return null;
    }

    private static ResolvedPolicy resolve(Connection c, RetentionPolicy policy) throws SQLException {
        String tableKey = RetentionPolicies.key(policy.name(), "table");
        Catalog.Relation relation;
        try {
            relation = Catalog.relation(c, policy.table()).orElseThrow(() -> new ConfigException(tableKey, "Retention policy '"
                    + policy.name() + "': table '" + policy.table() + "' does not exist in the database. Fix " + tableKey + " or set "
                    + RetentionPolicies.key(policy.name(), "enabled") + "=false."));
        } catch (SQLException e) {
            if ("42602".equals(e.getSQLState()) || "42601".equals(e.getSQLState())) { // invalid name syntax
                throw ConfigException.invalid(tableKey, policy.table(), "A table name, optionally schema-qualified (e.g. public.events).");
            }
            throw e;
        }
        long oid = relation.oid();
        TableRef table = relation.table();
        char kind = relation.kind();
        if (relation.refusal() != null) {
            throw new ConfigException(tableKey, "Retention policy '" + policy.name() + "': "
                    + UserTables.reason(relation, c.getMetaData().getUserName()) + " Fix " + tableKey + ".");
        }
        String columnType = columnType(c, oid, policy.column());
        if (columnType == null) {
            String columnKey = RetentionPolicies.key(policy.name(), "column");
            throw new ConfigException(columnKey, "Retention policy '" + policy.name() + "': table " + table.display()
                    + " has no column '" + policy.column() + "'. Fix " + columnKey + ".");
        }
        if (!TIME_TYPES.contains(columnType)) {
            String columnKey = RetentionPolicies.key(policy.name(), "column");
            throw new ConfigException(columnKey, "Retention policy '" + policy.name() + "': column " + table.display() + "."
                    + policy.column() + " is " + columnType + "; a retention column must be a timestamp or date.");
        }
        ResolvedPolicy.Strategy strategy = kind == 'r' ? ResolvedPolicy.Strategy.BATCHED
                : rangePartitionedOn(c, oid, policy.column()) ? ResolvedPolicy.Strategy.PARTITION_DROP
                : ResolvedPolicy.Strategy.BATCHED_PER_PARTITION;
        return new ResolvedPolicy(policy, table, oid, columnType, strategy, operatorTable(c, table));
    }

    /** Whether a table is not one of BotOps' own: outside the schema BotOps' tables resolve to, or not one of them there. */
    static boolean operatorTable(Connection c, TableRef table) throws SQLException {
        String own;
        try (ResultSet rs = c.createStatement().executeQuery("SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.oid = to_regclass('maintenance_runs')")) {
            own = rs.next() ? rs.getString(1) : null;
        }
        if (!table.schema().equals(own)) {
            return true;
        }
        return "public".equals(own) && !OWN_TABLES_IN_PUBLIC.contains(table.name());
    }

    private static String columnType(Connection c, long oid, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
                + "WHERE attrelid = ? AND attname = ? AND attnum > 0 AND NOT attisdropped")) {
            ps.setLong(1, oid);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static boolean rangePartitionedOn(Connection c, long oid, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pt.partstrat = 'r' AND pt.partnatts = 1 AND a.attname = ? "
                + "FROM pg_partitioned_table pt JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0] "
                + "WHERE pt.partrelid = ?")) {
            ps.setString(1, column);
            ps.setLong(2, oid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
