package dev.botops.db;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The table of applied migrations, {@code <schema>.migration_history}: one row per migration with its
 * checksum, when and by whom it was applied, and by which BotOps version. Created by the migrator itself (not by
 * a migration), in the same transaction as the first thing it applies.
 */
final class MigrationHistory {
    static final String TABLE = "migration_history";
    static final String INSERT = "INSERT INTO %s." + TABLE + " (version, description, script, checksum, applied_at, applied_by, "
            + "app_version, execution_ms) VALUES (?, ?, ?, ?, coalesce(?, now()), coalesce(?, current_user), ?, ?)";
    private static final String APP_VERSION = appVersion();

    private MigrationHistory() {
    }

    /** An applied migration as recorded. */
    record Row(Migration.Version version, String description, String checksum, Timestamp appliedAt) {
    }

    static void create(Connection c, String schema) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (!schemaExists(c, schema)) {
                s.execute("CREATE SCHEMA " + schema);
            }
            if (!exists(c, schema)) {
                s.execute("CREATE TABLE " + schema + "." + TABLE + " ("
                        + "version text PRIMARY KEY, description text NOT NULL, script text NOT NULL, checksum text NOT NULL, "
                        + "applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT current_user, "
                        + "app_version text, execution_ms bigint)");
                s.execute("COMMENT ON TABLE " + schema + "." + TABLE + " IS 'BotOps: the migrations applied to this schema'");
            }
        }
    }

    static boolean schemaExists(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** From the catalog, which any role may read (to_regclass would fail without USAGE on the schema). */
    static boolean exists(Connection c, String schema) throws SQLException {
        return readable(c, schema, false);
    }

    /** True when the history exists and this role may read it. */
    static boolean readable(Connection c, String schema) throws SQLException {
        return readable(c, schema, true);
    }

    private static boolean readable(Connection c, String schema, boolean checkPrivileges) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT NOT ? OR (has_schema_privilege(n.oid, 'USAGE') "
                + "AND has_table_privilege(t.oid, 'SELECT')) FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace "
                + "WHERE n.nspname = ? AND t.relname = '" + TABLE + "'")) {
            ps.setBoolean(1, checkPrivileges);
            ps.setString(2, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The applied migrations by version. */
    static TreeMap<Migration.Version, Row> read(Connection c, String schema) throws SQLException {
        TreeMap<Migration.Version, Row> rows = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT version, description, checksum, applied_at FROM " + schema + "." + TABLE)) {
            while (rs.next()) {
                Migration.Version version = Migration.Version.parse(rs.getString(1));
                rows.put(version, new Row(version, rs.getString(2), rs.getString(3), rs.getTimestamp(4)));
            }
        }
        return rows;
    }

    /** Binds {@link #INSERT}; null {@code appliedAt}/{@code appliedBy} mean now and the current user. */
    static void bind(PreparedStatement ps, Migration m, String appliedBy, Timestamp appliedAt, String appVersion, long executionMillis)
            throws SQLException {
        ps.setString(1, m.version().toString());
        ps.setString(2, m.description());
        ps.setString(3, m.script());
        ps.setString(4, m.checksum());
        ps.setTimestamp(5, appliedAt);
        ps.setString(6, appliedBy);
        ps.setString(7, appVersion != null ? appVersion : APP_VERSION);
        ps.setLong(8, executionMillis);
    }

    private static String appVersion() {
        try (InputStream in = MigrationHistory.class.getResourceAsStream("/botops-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version");
        } catch (IOException e) {
            return null;
        }
    }
}
