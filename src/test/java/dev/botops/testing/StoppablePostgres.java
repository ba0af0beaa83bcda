package dev.botops.testing;

import dev.botops.config.Settings;
import dev.botops.config.SettingsLoader;
import dev.botops.db.ConnectionTarget;
import dev.botops.db.Database;
import dev.botops.db.Migrations;
import dev.botops.db.Work;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.awaitility.Awaitility;

/**
 * A private embedded PostgreSQL a test stops and starts again on the same port and data, for outages: the
 * shared test server must never go down.
 */
public final class StoppablePostgres implements AutoCloseable {
    private final Path dir;
    private final int port;
    private EmbeddedPostgres server;

    private StoppablePostgres(Path dir, int port) throws IOException {
        this.dir = dir;
        this.port = port;
        start();
    }

    public static StoppablePostgres start(Path dir) throws IOException {
        return new StoppablePostgres(dir, Ports.closed());
    }

    /** The app's pool for this server (1 s connect timeout), with the schema migrated. */
    public Database connect() throws IOException {
        Settings settings = SettingsLoader.fromProperties(Map.of("database.connect-timeout", "1s",
                "app.data-dir", Files.createDirectories(dir.resolve("app")).toString()));
        Database db = new Database(settings, new ConnectionTarget("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "",
                "stoppable test server", false));
        Migrations.migrate(db);
        return db;
    }

    public void stop() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    public void start() throws IOException {
        if (server == null) {
            server = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(false).setPort(port).start();
        }
    }

    /** After an outage HikariCP retries with a backoff of up to 5 s, longer than the connect timeout. */
    public static void awaitReconnect(Database db) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> db.once(Work.CLI, c -> c.isValid(1)));
    }

    /** The superuser's data source (the server must be running). */
    public DataSource admin() {
        return server.getPostgresDatabase();
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
