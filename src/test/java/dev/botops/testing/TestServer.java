package dev.botops.testing;

import dev.botops.config.DatabaseUrl;
import dev.botops.config.SettingsLoader;
import dev.botops.db.ConnectionTarget;
import dev.botops.db.Database;
import dev.botops.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The PostgreSQL server the tests of one JVM share: embedded by default, an existing server when
 * {@code TEST_DATABASE_URL} is set, or a Testcontainers container with {@code -Dbotops.test.db=testcontainers}.
 * The embedded server runs the binaries on the class path (PostgreSQL 17), or those of the jar or {@code .txz}
 * named by {@code -Dbotops.test.postgres-binaries} (the PostgreSQL 14 run of {@code mvn verify}).
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
                EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
                String binaries = System.getProperty("botops.test.postgres-binaries", "");
                if (!binaries.isBlank()) {
                    builder.setPgBinaryResolver(new BinariesFile(Path.of(binaries)));
                }
                EmbeddedPostgres pg = builder
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

    /** Embedded PostgreSQL binaries from a file: a zonky binaries jar, or the {@code .txz} inside one. */
    private static final class BinariesFile implements PgBinaryResolver {
        private final Path file;

        BinariesFile(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("-Dbotops.test.postgres-binaries names " + file + ", which does not exist");
            }
            this.file = file;
        }

        @Override
        public InputStream getPgBinary(String system, String machineHardware) throws IOException {
            if (!file.toString().endsWith(".jar")) {
                return Files.newInputStream(file);
            }
            String entry = "postgres-" + system.toLowerCase(Locale.ROOT) + "-" + machineHardware.toLowerCase(Locale.ROOT) + ".txz";
            ZipFile zip = new ZipFile(file.toFile());
            ZipEntry found = zip.getEntry(entry);
            if (found == null) {
                zip.close();
                throw new IOException(file + " has no " + entry);
            }
            return new FilterInputStream(zip.getInputStream(found)) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        zip.close();
                    }
                }
            };
        }
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
        String name = name(hint);
        execute("CREATE DATABASE " + name + " TEMPLATE " + template);
        return new TestDatabase(this, name);
    }

    /** A new database with nothing of BotOps in it, as an operator's database is before BotOps first connects. */
    TestDatabase newEmptyDatabase(String hint) {
        String name = name(hint);
        execute("CREATE DATABASE " + name + " TEMPLATE template0");
        return new TestDatabase(this, name);
    }

    private String name(String hint) {
        String clean = hint.toLowerCase().replaceAll("[^a-z0-9]", "_");
        if (clean.length() > 30) {
            clean = clean.substring(clean.length() - 30);
        }
        return "t_" + counter.incrementAndGet() + "_" + clean;
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
