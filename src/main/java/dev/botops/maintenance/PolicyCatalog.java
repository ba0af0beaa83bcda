package dev.botops.maintenance;

import dev.botops.config.ConfigException;
import dev.botops.db.Database;
import dev.botops.db.Work;
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
        return new ResolvedPolicy(policy, table, oid, columnType, strategy);
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
