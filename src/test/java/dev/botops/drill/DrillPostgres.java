package dev.botops.drill;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The drill's own PostgreSQL: a private embedded server on a fixed port and data directory, so that it can be
 * stopped and started again under the running app, as a hosted server restarts. The app connects as an
 * ordinary role (as on a hosted plan), so that it competes for the same connection slots as any other client;
 * the drill's own checks use the superuser, which keeps PostgreSQL's reserved slots.
 */
final class DrillPostgres implements AutoCloseable {
    static final String DATABASE = "botops";
    static final String APP_ROLE = "botops_app";
    static final String HOG_ROLE = "drill_hog";
    static final int MAX_CONNECTIONS = 40;
    static final int SUPERUSER_RESERVED = 3;

    private final Path dataDir;
    private final int port;
    private final String appPassword;
    private EmbeddedPostgres server;

    private DrillPostgres(Path dataDir, int port, String appPassword) {
        this.dataDir = dataDir;
        this.port = port;
        this.appPassword = appPassword;
    }

    /** A new server on an empty data directory, with the app's database owned by the app's role. */
    static DrillPostgres create(Path dataDir, int port, String appPassword) {
        deleteRecursively(dataDir);
        DrillPostgres pg = new DrillPostgres(dataDir, port, appPassword);
        pg.start();
        pg.execute("postgres", "CREATE ROLE " + APP_ROLE + " LOGIN PASSWORD '" + appPassword + "'",
                "CREATE ROLE " + HOG_ROLE + " LOGIN",
                "CREATE DATABASE " + DATABASE + " OWNER " + APP_ROLE);
        return pg;
    }

    /** Starts the server on the existing data directory and port. */
    void start() {
        try {
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setRegisterShutdownHook(true)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", String.valueOf(MAX_CONNECTIONS))
                    .setServerConfig("superuser_reserved_connections", String.valueOf(SUPERUSER_RESERVED))
                    .setServerConfig("shared_buffers", "64MB")
                    // A backend whose client died (SIGKILL) notices it while waiting for a lock, as on a tuned server.
                    .setServerConfig("client_connection_check_interval", "250ms")
                    // Speed on a shared 2-core machine; a restart is a fast shutdown, which writes everything out.
                    .setServerConfig("fsync", "off")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the drill's PostgreSQL on port " + port, e);
        }
    }

    /** Fast shutdown, as {@code pg_ctl stop -m fast}: open sessions are ended. */
    void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stop the drill's PostgreSQL", e);
        } finally {
            server = null;
        }
    }

    boolean running() {
        return server != null;
    }

    int port() {
        return port;
    }

    /** What the app gets as DATABASE_URL (passed in the environment, never on the command line). */
    String appDatabaseUrl() {
        return "postgres://" + APP_ROLE + ":" + appPassword + "@127.0.0.1:" + port + "/" + DATABASE;
    }

    String appPassword() {
        return appPassword;
    }

    /** A superuser data source on the app's database, labelled so it never counts as the app's. */
    DataSource admin(String applicationName) {
        return dataSource("postgres", DATABASE, applicationName);
    }

    /** The other client that saturates the server: an ordinary role, as another app on the same plan. */
    DataSource hog() {
        return dataSource(HOG_ROLE, "postgres", "drill-hog");
    }

    private DataSource dataSource(String user, String database, String applicationName) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:" + port + "/" + database);
        // The app's tables are in its own schema; the drill's checks name them unqualified.
        ds.setCurrentSchema("public,botops");
        ds.setUser(user);
        ds.setApplicationName(applicationName);
        ds.setConnectTimeout(2);
        ds.setLoginTimeout(2);
        ds.setSocketTimeout(30);
        return ds;
    }

    private void execute(String database, String... statements) {
        try (Connection c = dataSource("postgres", database, "drill-setup").getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Drill database setup failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
