package dev.botops.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.config.Settings;
import dev.botops.db.Database;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("core")
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitorServiceTest {
    private TestDatabase testDb;
    private AdminSql sql;
    private Database db;

    @BeforeAll
    void setUp(TestDatabase testDb) {
        this.testDb = testDb;
        this.sql = new AdminSql(testDb.admin());
        this.db = testDb.newDatabase();
    }

    @AfterAll
    void tearDown() {
        db.close();
    }

    @BeforeEach
    void clearAlerts() {
        sql.execute("DELETE FROM alerts");
    }

    private MonitorService monitor(Map<String, String> overrides, AlertService alerts, Clock clock) {
        Settings settings = testDb.settings(overrides);
        return new MonitorService(settings, new DatabaseMonitor(db, settings, clock), new MetricHistory(db, settings),
                new AlertRules(settings), alerts, clock);
    }

    /** A monitor whose storage quota puts the database at about {@code percent} % of it. */
    private MonitorService monitorAtStoragePercent(double percent, AlertService alerts) {
        long size = sql.queryLong("SELECT pg_database_size(current_database())");
        long quota = Math.round(size * 100 / percent);
        return monitor(Map.of("limits.storage-quota", String.valueOf(quota)), alerts, Clock.systemUTC());
    }

    private AlertService alerts() {
        AlertService alerts = new AlertService(db, Clock.systemUTC());
        alerts.load();
        return alerts;
    }

    private static void settled(AlertService alerts) {
        assertThat(alerts.flush(Duration.ofSeconds(30))).as("alert writes done").isTrue();
    }

    private long storageAlertRows() {
        return sql.queryLong("SELECT count(*) FROM alerts WHERE rule_id = 'storage'");
    }

    @Test
    void crossingTheStorageThresholdRaisesExactlyOneAlert() {
        AlertService alerts = alerts();
        MonitorService monitor = monitorAtStoragePercent(83, alerts);

        for (int i = 0; i < 3; i++) {
            monitor.runOnce();
        }
        settled(alerts);

        assertThat(storageAlertRows()).isEqualTo(1);
        assertThat(alerts.active(AlertRules.STORAGE)).map(Alert::severity).contains(Severity.WARNING);
    }

    @Test
    void tinyQuotaRaisesCriticalStorageAlert() {
        AlertService alerts = alerts();

        monitor(Map.of("limits.storage-quota", "1MB"), alerts, Clock.systemUTC()).runOnce();

        assertThat(alerts.active(AlertRules.STORAGE)).hasValueSatisfying(alert -> {
            assertThat(alert.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(alert.message()).contains("of the 1 MB storage quota");
        });
    }

    @Test
    void reconfiguredQuotaRaisesAndClearsTheStorageAlertOnTheNextRun() {
        AlertService alerts = alerts();
        MonitorService monitor = monitor(Map.of(), alerts, Clock.systemUTC());
        monitor.runOnce();
        assertThat(alerts.active(AlertRules.STORAGE)).isEmpty();

        monitor.reconfigure(testDb.settings(Map.of("limits.storage-quota", "1MB")));
        DatabaseSnapshot shrunk = monitor.runOnce();
        assertThat(shrunk.storage().quotaBytes()).isEqualTo(1L << 20);
        assertThat(alerts.active(AlertRules.STORAGE)).map(Alert::severity).contains(Severity.CRITICAL);

        monitor.reconfigure(testDb.settings(Map.of("limits.storage-quota", "10GB")));
        monitor.runOnce();
        assertThat(alerts.active(AlertRules.STORAGE)).isEmpty();
    }

    @Test
    void reconfiguringARunningMonitorTakesASnapshotAtOnce() {
        AlertService alerts = alerts();
        MonitorService monitor = monitor(Map.of("monitor.interval", "1h"), alerts, Clock.systemUTC());
        List<DatabaseSnapshot> seen = new CopyOnWriteArrayList<>();
        monitor.addListener(seen::add);
        monitor.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);

            monitor.reconfigure(testDb.settings(Map.of("limits.storage-quota", "1MB")));

            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
            assertThat(seen.get(1).storage().quotaBytes()).isEqualTo(1L << 20);
            assertThat(alerts.active(AlertRules.STORAGE)).isPresent();
        } finally {
            monitor.close();
        }
    }

    @Test
    void dippingJustBelowTheThresholdDoesNotClearTheAlert() {
        AlertService alerts = alerts();
        monitorAtStoragePercent(83, alerts).runOnce();

        monitorAtStoragePercent(78, alerts).runOnce();
        settled(alerts);

        assertThat(alerts.active(AlertRules.STORAGE)).isPresent();
        assertThat(storageAlertRows()).isEqualTo(1);
    }

    @Test
    void fallingPastTheHysteresisBandResolvesTheAlert() {
        AlertService alerts = alerts();
        monitorAtStoragePercent(83, alerts).runOnce();

        monitorAtStoragePercent(70, alerts).runOnce();
        settled(alerts);

        assertThat(alerts.active(AlertRules.STORAGE)).isEmpty();
        assertThat(sql.queryLong("SELECT count(*) FROM alerts WHERE rule_id = 'storage' AND resolved_at IS NOT NULL")).isEqualTo(1);
    }

    @Test
    void restartKeepsTheActiveAlertItsHysteresisAndItsHistory() {
        AlertService before = alerts();
        monitorAtStoragePercent(83, before).runOnce();
        settled(before);
        Alert raised = before.active(AlertRules.STORAGE).orElseThrow();
        before.close();

        AlertService after = alerts();
        monitorAtStoragePercent(78, after).runOnce();

        assertThat(after.active(AlertRules.STORAGE)).map(Alert::id).contains(raised.id());
        monitorAtStoragePercent(70, after).runOnce();
        settled(after);
        assertThat(sql.queryLong("SELECT count(*) FROM alerts WHERE rule_id = 'storage' AND resolved_at IS NOT NULL"
                + " AND alert_id = " + raised.id())).isEqualTo(1);
        assertThat(storageAlertRows()).isEqualTo(1);
    }

    @Test
    void memoryKeepsAtMostHistorySizeSnapshotsNewestLast() {
        MonitorService monitor = monitor(Map.of("monitor.history-size", "10"), alerts(), Clock.systemUTC());

        DatabaseSnapshot last = null;
        for (int i = 0; i < 12; i++) {
            last = monitor.runOnce();
        }

        assertThat(monitor.history()).hasSize(10).last().isSameAs(last);
        assertThat(monitor.latest()).containsSame(last);
    }

    @Test
    void samplesArePersistedEverySampleIntervalNotEverySnapshot() {
        MutableClock clock = new MutableClock(Instant.parse("2031-06-01T00:00:00Z"));
        MonitorService monitor = monitor(Map.of("monitor.sample-interval", "1m"), alerts(), clock);

        for (int i = 0; i < 13; i++) {
            monitor.runOnce();
            clock.advance(Duration.ofSeconds(10));
        }

        // Snapshots at 0s, 10s, ... 120s: samples at 0s, 60s and 120s.
        assertThat(sql.queryLong("SELECT count(*) FROM metric_samples WHERE sampled_at >= '2031-06-01' AND sampled_at < '2031-06-02'"))
                .isEqualTo(3);
        assertThat(sql.queryLong("SELECT count(DISTINCT sampled_on) FROM table_size_samples WHERE sampled_on = '2031-06-01'"))
                .isEqualTo(1);
    }

    @Test
    void monitorPrunesHistoryPastItsRetentionWithoutMaintenance() {
        sql.execute("INSERT INTO metric_samples VALUES (now() - interval '40 days', 1, 1, 1, 1, 0, 0, 1, 100)",
                "INSERT INTO table_size_samples VALUES (current_date - 40, 'public', 'old', now() - interval '40 days', 1, false)");
        MonitorService monitor = monitor(Map.of("monitor.history-retention", "30d"), alerts(), Clock.systemUTC());

        monitor.runOnce();

        assertThat(sql.queryLong("SELECT count(*) FROM metric_samples WHERE sampled_at < now() - interval '30 days'")).isZero();
        assertThat(sql.queryLong("SELECT count(*) FROM table_size_samples WHERE sampled_on < current_date - 30")).isZero();
    }

    @Test
    void forecastIsKeptFromTheFirstRun() {
        MonitorService monitor = monitor(Map.of(), alerts(), Clock.systemUTC());

        monitor.runOnce();

        assertThat(monitor.forecast()).map(Forecast::outcome).isPresent();
    }

    @Test
    void scheduledMonitorPublishesSnapshotsOnItsOwnThreadUntilClosed() {
        List<String> threads = new CopyOnWriteArrayList<>();
        MonitorService monitor = monitor(Map.of("monitor.interval", "500ms"), alerts(), Clock.systemUTC());
        monitor.addListener(snapshot -> threads.add(Thread.currentThread().getName() + "/" + Thread.currentThread().isDaemon()));

        monitor.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> threads.size() >= 2);
        monitor.close();

        assertThat(threads).allMatch(name -> name.equals("botops-monitor/true"));
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("botops-monitor") && t.isAlive());
    }

    @Test
    void refreshNowTakesASnapshotWithoutWaitingForTheInterval() {
        List<DatabaseSnapshot> received = new CopyOnWriteArrayList<>();
        MonitorService monitor = monitor(Map.of("monitor.interval", "1h"), alerts(), Clock.systemUTC());
        monitor.addListener(received::add);
        try {
            monitor.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);

            monitor.refreshNow();

            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
        } finally {
            monitor.close();
        }
    }

    @Test
    void reportOnTheLatestSnapshotCarriesTheVerdictWithoutAQuery() {
        MonitorService monitor = monitor(Map.of("limits.storage-quota", "1MB"), alerts(), Clock.systemUTC());
        assertThat(monitor.report("test database", "2.1")).isEmpty();

        monitor.runOnce();

        assertThat(monitor.report("test database", "2.1")).hasValueSatisfying(report -> {
            assertThat(report.health()).isEqualTo(HealthReport.Health.CRITICAL);
            assertThat(report.alerts()).extracting(Alert::ruleId).contains(AlertRules.STORAGE);
        });
    }

    @Test
    void failingListenerDoesNotStopTheOthersOrTheMonitor() {
        MonitorService monitor = monitor(Map.of(), alerts(), Clock.systemUTC());
        List<DatabaseSnapshot> received = new CopyOnWriteArrayList<>();
        monitor.addListener(snapshot -> {
            throw new IllegalStateException("listener bug");
        });
        monitor.addListener(received::add);

        monitor.runOnce();
        monitor.runOnce();

        assertThat(received).hasSize(2);
    }

    @Test
    void unchangedTablesShareOneRecordAcrossSnapshots() {
        sql.execute("CREATE TABLE IF NOT EXISTS quiet (id int)");
        MonitorService monitor = monitor(new HashMap<>(), alerts(), Clock.systemUTC());

        // The statistics of the CREATE reach pg_stat asynchronously; once they have, the table stays quiet.
        AtomicReference<DatabaseSnapshot> previous = new AtomicReference<>(monitor.runOnce());
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            DatabaseSnapshot next = monitor.runOnce();
            boolean shared = table(next, "quiet") == table(previous.get(), "quiet");
            previous.set(next);
            return shared;
        });

        // Over one full rotation the quiet table is re-measured exactly once (a fresh record with a new
        // measurement time); every other snapshot reuses the record of the one before.
        List<DatabaseSnapshot.TableStats> records = new ArrayList<>();
        records.add(table(previous.get(), "quiet"));
        for (int i = 0; i < TableReader.REFRESH_ROUNDS; i++) {
            records.add(table(monitor.runOnce(), "quiet"));
        }
        int fresh = 0;
        for (int i = 1; i < records.size(); i++) {
            if (records.get(i) != records.get(i - 1)) {
                fresh++;
                assertThat(records.get(i).sizesMeasuredAt()).isAfter(records.get(i - 1).sizesMeasuredAt());
                assertThat(records.get(i).totalBytes()).isEqualTo(records.get(i - 1).totalBytes());
            }
        }
        assertThat(fresh).isEqualTo(1);
    }

    private static DatabaseSnapshot.TableStats table(DatabaseSnapshot snapshot, String name) {
        return snapshot.tables().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }
}
