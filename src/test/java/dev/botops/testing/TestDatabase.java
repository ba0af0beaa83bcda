package dev.botops.testing;

import dev.botops.config.Settings;
import dev.botops.config.SettingsLoader;
import dev.botops.db.Database;
import dev.botops.db.ConnectionTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A fresh, migrated database of its own for one test class, on the test PostgreSQL server. Hands out
 * {@link Settings} and {@link Database}s for the app pointed at it, and an admin data source for checks.
 * {@link PgBouncer#database()} is the same database reached through a pooler: the app's URLs go through it, the
 * admin data source stays direct.
 */
public final class TestDatabase {
    /** BotOps' schema in the test databases: the default of {@code database.schema}. */
    public static final String SCHEMA = "botops";
    private final TestServer server;
    private final String name;
    /** The pooler the app reaches this database through, or null for a direct connection. */
    private final PgBouncer pooler;

    TestDatabase(TestServer server, String name) {
        this(server, name, null);
    }

    TestDatabase(TestServer server, String name, PgBouncer pooler) {
        this.server = server;
        this.name = name;
        this.pooler = pooler;
    }

    public String name() {
        return name;
    }

    /**
     * Another database on the same server with nothing of BotOps in it (not migrated), as an operator's database is
     * before BotOps first connects; the caller drops it with {@link #drop()}.
     */
    public TestDatabase emptySibling(String hint) {
        return server.newEmptyDatabase(hint);
    }

    /** Drops this database (for those made by {@link #emptySibling}; the extension drops its own). */
    public void drop() {
        server.dropDatabase(name);
    }

    /** The server this database lives on (for fixtures that stand in front of it, such as {@link PgBouncer}). */
    TestServer server() {
        return server;
    }

    /** JDBC URL of this database without credentials (through the pooler, if there is one). */
    public String jdbcUrl() {
        return pooler != null ? pooler.jdbcUrl(name) : server.jdbcUrl(name);
    }

    /** A postgres:// URL with credentials, as DATABASE_URL would carry it (the pooler's, if there is one). */
    public String databaseUrl() {
        return pooler != null ? pooler.databaseUrl(name) : server.databaseUrl(name);
    }

    /** A connection target for {@link Database}. */
    public ConnectionTarget target() {
        return new ConnectionTarget(jdbcUrl(), server.user(), server.password(),
                "test database " + name + (pooler != null ? " through PgBouncer" : ""), false);
    }

    /**
     * A superuser (or the test server's user) data source on this database, for assertions. Its search path is
     * {@code public, botops}: tables it creates unqualified are the operator's (in {@code public}), and BotOps' own
     * tables are found by their plain names.
     */
    public DataSource admin() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(server.jdbcUrl(name));
        ds.setCurrentSchema("public," + SCHEMA);
        ds.setUser(server.user());
        ds.setPassword(server.password());
        ds.setApplicationName("test-admin");
        return ds;
    }

    /** Settings for the app on this database: defaults plus the given properties, data dir in a temp folder. */
    public Settings settings(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>();
        props.put("database.url", databaseUrl());
        props.put("app.data-dir", tempDataDir().toString());
        props.put("http.port", "0");
        props.putAll(overrides);
        return SettingsLoader.fromProperties(props);
    }

    public Settings settings() {
        return settings(Map.of());
    }

    /** A new pool on this database; the caller closes it. */
    public Database newDatabase(Map<String, String> overrides) {
        return new Database(settings(overrides), target());
    }

    public Database newDatabase() {
        return newDatabase(Map.of());
    }

    private static Path tempDataDir() {
        try {
            return Files.createTempDirectory("botops-test-data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
