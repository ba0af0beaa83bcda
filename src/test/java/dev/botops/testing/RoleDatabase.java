package dev.botops.testing;

import dev.botops.config.Settings;
import dev.botops.config.SettingsLoader;
import dev.botops.db.ConnectionTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database as the operator of a hosted plan has it: empty (not migrated), owned by an ordinary role (no
 * superuser, a connection limit), on the test server. The app connects as that role, as it would in production.
 * Made beside a class's {@link TestDatabase} (whose superuser creates the role and the database); dropped, with
 * the role, by {@link #close()}.
 */
public final class RoleDatabase implements AutoCloseable {
    private final TestDatabase anchor;
    private final String name;
    private final String role;
    private final String password = "pw-" + UUID.randomUUID().toString().substring(0, 8);

    private RoleDatabase(TestDatabase anchor, String name, String role) {
        this.anchor = anchor;
        this.name = name;
        this.role = role;
    }

    /**
     * Creates a login role named {@code rolePrefix} and a short random suffix (roles are shared by the server's
     * databases), with no superuser, no CREATEDB and {@code CONNECTION LIMIT connectionLimit}, and a database it owns.
     */
    public static RoleDatabase create(TestDatabase anchor, String rolePrefix, int connectionLimit) {
        String role = rolePrefix + "_" + UUID.randomUUID().toString().substring(0, 6);
        RoleDatabase db = new RoleDatabase(anchor, anchor.name() + "_" + role, role);
        execute(anchor.admin(), "DROP DATABASE IF EXISTS " + db.name + " WITH (FORCE)", "DROP ROLE IF EXISTS " + role,
                "CREATE ROLE " + role + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE CONNECTION LIMIT " + connectionLimit
                        + " PASSWORD '" + db.password + "'",
                "CREATE DATABASE " + db.name + " OWNER " + role);
        return db;
    }

    public String name() {
        return name;
    }

    public String role() {
        return role;
    }

    /** JDBC URL of this database, without credentials. */
    public String jdbcUrl() {
        String anchorUrl = anchor.jdbcUrl();
        return anchorUrl.substring(0, anchorUrl.lastIndexOf('/') + 1) + name;
    }

    /** A connection target that logs in as the role. */
    public ConnectionTarget target() {
        return new ConnectionTarget(jdbcUrl(), role, password, "database " + name + " as " + role, false);
    }

    /** A postgres:// URL that logs in as the role, as the host would hand it out. */
    public String databaseUrl() {
        return jdbcUrl().replace("jdbc:postgresql://", "postgresql://" + role + ":" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "@");
    }

    /** The role's password (for a pooler's auth file). */
    public String password() {
        return password;
    }

    /** Settings for the app as the role on this database: defaults plus {@code overrides}, data dir in a temp folder. */
    public Settings settings(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>();
        props.put("database.url", databaseUrl());
        try {
            props.put("app.data-dir", Files.createTempDirectory("botops-role-data").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        props.put("http.port", "0");
        props.putAll(overrides);
        return SettingsLoader.fromProperties(props);
    }

    /** The test server's superuser on this database, for set-up the role may not do and for checks. */
    public DataSource admin() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        PGSimpleDataSource anchorAdmin = (PGSimpleDataSource) anchor.admin();
        ds.setUrl(jdbcUrl());
        ds.setUser(anchorAdmin.getUser());
        ds.setPassword(anchorAdmin.getPassword());
        ds.setApplicationName("test-admin");
        return ds;
    }

    /** The role itself on this database: what the bot that owns the tables would use. */
    public DataSource asRole() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl());
        ds.setUser(role);
        ds.setPassword(password);
        ds.setApplicationName("test-bot");
        return ds;
    }

    /** Runs statements as the role (the bot creating and filling its own tables). */
    public void asRole(String... statements) {
        execute(asRole(), statements);
    }

    /** Runs statements as the superuser on this database. */
    public void asAdmin(String... statements) {
        execute(admin(), statements);
    }

    private static void execute(DataSource ds, String... statements) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Test set-up failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        execute(anchor.admin(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "DROP ROLE IF EXISTS " + role);
    }
}
