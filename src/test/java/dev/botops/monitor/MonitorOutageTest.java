package dev.botops.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.config.Settings;
import dev.botops.config.SettingsLoader;
import dev.botops.db.ConnectionTarget;
import dev.botops.db.Database;
import dev.botops.db.Migrations;
import dev.botops.db.Work;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database goes away and comes back (a private embedded PostgreSQL this test stops and restarts), or only
 * the monitor's backends go away ({@code pg_terminate_backend}) while the server stays up.
 */
class MonitorOutageTest {
    @TempDir
    Path dataDir;

    private int port;
    private EmbeddedPostgres server;
    private Database db;
    private AlertService alerts;
    private MonitorService monitor;
    private final List<DatabaseSnapshot.State> published = new CopyOnWriteArrayList<>();
    private final List<String> told = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServerAndMonitor() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        server = startServer();
        Settings settings = SettingsLoader.fromProperties(Map.of("database.connect-timeout", "1s",
                "app.data-dir", Files.createDirectories(dataDir.resolve("app")).toString()));
        db = new Database(settings, new ConnectionTarget("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "",
                "outage test server", false));
        Migrations.migrate(db);
        alerts = new AlertService(db, Clock.systemUTC());
        alerts.load();
        alerts.addListener(new AlertListener() {
            @Override
            public void raised(Alert alert) {
                told.add("raised " + alert.ruleId());
            }

            @Override
            public void resolved(Alert alert) {
                told.add("resolved " + alert.ruleId());
            }
        });
        monitor = new MonitorService(settings, new DatabaseMonitor(db, settings, Clock.systemUTC()), new MetricHistory(db, settings),
                new AlertRules(settings), alerts, Clock.systemUTC());
        monitor.addListener(snapshot -> published.add(snapshot.state()));
    }

    /**
     * Terminates every backend of the app's pool (all of them the monitor's here) and waits until they are gone. An idle
     * pooled connection says {@code botops}; the work's label ({@code botops:monitor}) lasts only as long as its transaction.
     */
    private void terminateTheMonitorsBackends() {
        AdminSql admin = new AdminSql(server.getPostgresDatabase());
        assertThat(admin.queryLong("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name LIKE 'botops%'"))
                .isPositive();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> admin.queryLong("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'botops%'") == 0);
    }

    /** After an outage HikariCP retries with a backoff of up to 5 s, longer than this test's connect timeout. */
    private void awaitThePoolReconnects() {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> db.once(Work.CLI, c -> c.isValid(1)));
    }

    private EmbeddedPostgres startServer() throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDir.resolve("pg")).setCleanDataDirectory(false).setPort(port).start();
    }

    @AfterEach
    void stopEverything() throws IOException {
        monitor.close();
        db.close();
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aTerminatedMonitorBackendIsRetriedOnAFreshConnectionAndNeverShowsAsUnreachable() {
        monitor.runOnce();
        terminateTheMonitorsBackends();

        DatabaseSnapshot next = monitor.runOnce();

        assertThat(next.state()).isEqualTo(DatabaseSnapshot.State.OK);
        assertThat(published).containsExactly(DatabaseSnapshot.State.OK, DatabaseSnapshot.State.OK);
        assertThat(alerts.active()).isEmpty();
        assertThat(told).isEmpty();
    }

    @Test
    void everyPooledBackendTerminatedAtOnceStillGivesAGoodSnapshot() {
        // Three connections in the pool, all returned just now: the pool skips its liveness check on each.
        db.withConnection(Work.MONITOR, a -> db.withConnection(Work.MONITOR, b -> db.withConnection(Work.MONITOR, c -> 0)));
        terminateTheMonitorsBackends();

        DatabaseSnapshot next = monitor.runOnce();

        assertThat(next.state()).isEqualTo(DatabaseSnapshot.State.OK);
        assertThat(told).isEmpty();
    }

    @Test
    void unreachableDatabaseIsOneCriticalAlertNotAStormAndItsEpisodeIsRecordedOnRecovery() throws IOException {
        monitor.runOnce();
        server.close();
        server = null;

        DatabaseSnapshot down = monitor.runOnce();
        monitor.runOnce();

        assertThat(down.state()).isEqualTo(DatabaseSnapshot.State.UNREACHABLE);
        assertThat(down.error()).contains("unavailable");
        assertThat(monitor.lastReachable()).map(DatabaseSnapshot::reachable).contains(true);
        assertThat(alerts.active()).extracting(Alert::ruleId, Alert::severity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(AlertRules.UNREACHABLE, Severity.CRITICAL));
        await().atMost(Duration.ofSeconds(10)).until(() -> told.equals(List.of("raised " + AlertRules.UNREACHABLE)));

        server = startServer();
        awaitThePoolReconnects();
        DatabaseSnapshot back = monitor.runOnce();

        assertThat(back.reachable()).isTrue();
        assertThat(alerts.active()).isEmpty();
        assertThat(alerts.flush(Duration.ofSeconds(30))).isTrue();
        assertThat(told).containsExactly("raised " + AlertRules.UNREACHABLE, "resolved " + AlertRules.UNREACHABLE);
        assertThat(published).containsExactly(DatabaseSnapshot.State.OK, DatabaseSnapshot.State.UNREACHABLE,
                DatabaseSnapshot.State.UNREACHABLE, DatabaseSnapshot.State.OK);
        assertThat(alerts.recent(10)).singleElement().satisfies(episode -> {
            assertThat(episode.ruleId()).isEqualTo(AlertRules.UNREACHABLE);
            assertThat(episode.firstSeen()).isBetween(down.takenAt(), back.takenAt());
            assertThat(episode.resolvedAt()).isNotNull();
        });
    }
}
