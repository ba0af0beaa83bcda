package dev.botops.testing;

import dev.botops.config.DatabaseUrl;
import dev.botops.config.SettingsLoader;
import dev.botops.db.ConnectionTarget;
import dev.botops.db.Database;
import dev.botops.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PostgreSQL server the tests of one JVM share: embedded by default, an existing server when
 * {@code TEST_DATABASE_URL} is set, or a Testcontainers container with {@code -Dbotops.test.db=testcontainers}.
 * A template database is migrated once; each test class gets a copy of it.
 */
final class TestServer implements AutoCloseable {
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String adminDatabase;
    private final AutoCloseable owned;
    private final String template = "botops_tpl_" + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicInteger counter = new AtomicInteger();

    private TestServer(String host, int port, String user, String password, String adminDatabase, AutoCloseable owned) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.adminDatabase = adminDatabase;
        this.owned = owned;
    }

    static TestServer start() {
        String url = System.getenv("TEST_DATABASE_URL");
        String mode = System.getProperty("botops.test.db", "embedded");
        TestServer server;
        if (url != null && !url.isBlank()) {
            DatabaseUrl parsed = DatabaseUrl.parse(url);
            server = new TestServer(parsed.host(), parsed.port(), parsed.user(), parsed.password() == null ? "" : parsed.password(),
                    parsed.database(), null);
        } else if (mode.equals("testcontainers")) {
            server = TestcontainersServer.start();
        } else {
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "200")
                        .setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off")
                        .start();
                server = new TestServer("127.0.0.1", pg.getPort(), "postgres", "", "postgres", pg);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        server.createTemplate();
        return server;
    }

    static TestServer of(String host, int port, String user, String password, String adminDatabase, AutoCloseable owned) {
        return new TestServer(host, port, user, password, adminDatabase, owned);
    }

    private void createTemplate() {
        execute("CREATE DATABASE " + template);
        ConnectionTarget target = new ConnectionTarget(jdbcUrl(template), user, password, "template", false);
        try (Database db = new Database(SettingsLoader.fromProperties(Map.of()), target)) {
            Migrations.migrate(db);
        }
    }

    /** A new database copied from the migrated template. */
    TestDatabase newDatabase(String hint) {
        String clean = hint.toLowerCase().replaceAll("[^a-z0-9]", "_");
        if (clean.length() > 30) {
            clean = clean.substring(clean.length() - 30);
        }
        String name = "t_" + counter.incrementAndGet() + "_" + clean;
        execute("CREATE DATABASE " + name + " TEMPLATE " + template);
        return new TestDatabase(this, name);
    }

    void dropDatabase(String name) {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    String jdbcUrl(String database) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + database;
    }

    String databaseUrl(String database) {
        String h = host.contains(":") ? "[" + host + "]" : host;
        String credentials = URLEncoder.encode(user, StandardCharsets.UTF_8)
                + (password.isEmpty() ? "" : ":" + URLEncoder.encode(password, StandardCharsets.UTF_8));
        return "postgresql://" + credentials + "@" + h + ":" + port + "/" + database;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl(adminDatabase), user, password);
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Test server: " + sql + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws Exception {
        if (owned != null) {
            owned.close();
        } else {
            execute("DROP DATABASE IF EXISTS " + template + " WITH (FORCE)");
        }
    }
}
