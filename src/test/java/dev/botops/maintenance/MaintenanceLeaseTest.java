package dev.botops.maintenance;

import static dev.botops.maintenance.MaintenanceHarness.number;
import static dev.botops.maintenance.MaintenanceHarness.sql;
import static dev.botops.maintenance.MaintenanceHarness.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The maintenance lease: one run at a time across instances, taken over after expiry, and a lost lease stops the run. */
@ExtendWith(PostgresExtension.class)
class MaintenanceLeaseTest {
    private static final Map<String, String> EVENTS_POLICY = Map.of("retention.lease_events.column", "created_at",
            "retention.lease_events.max-age", "30d", "retention.lease_events.batch-size", "100", "maintenance.batch-target", "5ms");

    private static Map<String, String> with(Map<String, String> base, String... keyValues) {
        Map<String, String> all = new java.util.HashMap<>(base);
        for (int i = 0; i < keyValues.length; i += 2) {
            all.put(keyValues[i], keyValues[i + 1]);
        }
        return all;
    }

    @Test
    void twoServicesOnOneDatabaseNeverRunAtTheSameTime(TestDatabase testDb) throws Exception {
        MaintenanceHarness.createEventsTable(testDb, "lease_events");
        MaintenanceHarness.insertEvents(testDb, "lease_events", Instant.now().minus(Duration.ofDays(40)), 20_000);
        List<RunReport> reports = new CopyOnWriteArrayList<>();
        List<String> busyReasons = new CopyOnWriteArrayList<>();
        AtomicInteger advisoryLocksSeen = new AtomicInteger();
        try (MaintenanceHarness alpha = new MaintenanceHarness(testDb, with(EVENTS_POLICY, "app.instance-name", "alpha"), Clock.systemUTC(),
                ZoneOffset.UTC);
             MaintenanceHarness beta = new MaintenanceHarness(testDb, with(EVENTS_POLICY, "app.instance-name", "beta"), Clock.systemUTC(),
                     ZoneOffset.UTC)) {
            ExecutorService callers = Executors.newFixedThreadPool(2);
            List<Future<?>> loops = new ArrayList<>();
            for (MaintenanceHarness m : List.of(alpha, beta)) {
                loops.add(callers.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        StartResult start = m.service.startCleanup(false, Trigger.MANUAL, "loop");
                        if (start.started()) {
                            advisoryLocksSeen.addAndGet((int) number(testDb, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"));
                            reports.add(start.completion().get(120, TimeUnit.SECONDS));
                        } else {
                            busyReasons.add(start.reason());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> loop : loops) {
                loop.get(300, TimeUnit.SECONDS);
            }
            callers.shutdown();
        }

        assertThat(reports).isNotEmpty().allSatisfy(r -> assertThat(r.outcome()).isEqualTo(Outcome.SUCCEEDED));
        for (RunReport a : reports) {
            for (RunReport b : reports) {
                if (a != b) {
                    assertThat(a.finishedAt().isBefore(b.startedAt()) || b.finishedAt().isBefore(a.startedAt()))
                            .as("run %d [%s, %s] and run %d [%s, %s] do not overlap", a.runId(), a.startedAt(), a.finishedAt(),
                                    b.runId(), b.startedAt(), b.finishedAt())
                            .isTrue();
                }
            }
        }
        assertThat(number(testDb, "SELECT count(*) FROM maintenance_runs a JOIN maintenance_runs b ON a.run_id < b.run_id "
                + "WHERE a.outcome <> 'SKIPPED' AND b.outcome <> 'SKIPPED' "
                + "AND tstzrange(a.started_at, a.finished_at) && tstzrange(b.started_at, b.finished_at)")).isZero();
        assertThat(busyReasons).filteredOn(r -> r.startsWith("Another instance")).allSatisfy(r -> assertThat(r).containsPattern(
                "(alpha|beta) on \\S+ \\(pid \\d+\\) since"));
        assertThat(advisoryLocksSeen).hasValue(0);
        assertThat(number(testDb, "SELECT count(*) FROM lease_events")).isZero();
    }

    @Test
    void leaseOfAnInstanceThatDiedIsTakenOverOnlyAfterItExpires(TestDatabase testDb) {
        sql(testDb, "INSERT INTO instance_lease (lease_name, holder_id, holder_host, holder_pid, acquired_at, heartbeat_at, expires_at) "
                        + "VALUES ('maintenance', 'ghost/0badf00d', 'server-a', 123, now(), now(), now() + interval '3 seconds') "
                        + "ON CONFLICT (lease_name) DO UPDATE SET holder_id = EXCLUDED.holder_id, holder_host = EXCLUDED.holder_host, "
                        + "holder_pid = EXCLUDED.holder_pid, acquired_at = now(), heartbeat_at = now(), expires_at = EXCLUDED.expires_at",
                "INSERT INTO maintenance_runs (kind, trigger, caller, started_at, details) VALUES ('DAILY', 'SCHEDULE', 'scheduler', now(), "
                        + "'{\"instance\": \"ghost\", \"lease\": \"ghost/0badf00d\"}')");
        String ghostExpiry = text(testDb, "SELECT expires_at FROM instance_lease WHERE lease_name = 'maintenance'");
        long ghostRun = number(testDb, "SELECT max(run_id) FROM maintenance_runs");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("app.instance-name", "beta"))) {
            StartResult skipped = m.service.startCleanup(false, Trigger.MANUAL, "test");

            assertThat(skipped.status()).isEqualTo(StartResult.Status.BUSY);
            assertThat(skipped.reason()).contains("Another instance is running maintenance").contains("run " + ghostRun + " (DAILY by SCHEDULE")
                    .contains("ghost on server-a (pid 123) since");

            List<StartResult> started = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                StartResult attempt = m.service.startCleanup(false, Trigger.MANUAL, "test");
                if (attempt.started()) {
                    started.add(attempt);
                }
                return attempt.started();
            });
            assertThat(started.get(0).completion().join().outcome()).isEqualTo(Outcome.SUCCEEDED);
        }
        assertThat(number(testDb, "SELECT count(*) FROM instance_lease WHERE lease_name = 'maintenance' AND holder_id LIKE 'beta/%' "
                + "AND acquired_at >= '" + ghostExpiry + "'")).isEqualTo(1);
        assertThat(text(testDb, "SELECT outcome FROM maintenance_runs WHERE run_id = " + ghostRun)).isEqualTo("INTERRUPTED");
        // Released at the end of the run: another instance need not wait for the expiry.
        assertThat(number(testDb, "SELECT count(*) FROM instance_lease WHERE lease_name = 'maintenance' AND expires_at < now()")).isEqualTo(1);
    }

    @Test
    void runWhoseLeaseWasTakenOverStopsAtTheNextBatchBoundary(TestDatabase testDb) throws Exception {
        MaintenanceHarness.createEventsTable(testDb, "lost_events");
        MaintenanceHarness.insertEvents(testDb, "lost_events", MaintenanceHarness.NOW.minus(Duration.ofDays(40)), 5_000);
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("retention.lost_events.column", "created_at",
                "retention.lost_events.max-age", "30d", "retention.lost_events.batch-size", "100", "maintenance.lease-ttl", "1s"))) {
            RunGate gate = new RunGate();
            // Held after the first committed batch: the run stands in the middle of the table.
            m.service.addProgressListener(p -> {
                if (p.batches() == 1) {
                    gate.progress(p);
                }
            });
            StartResult start = m.service.start(RunRequest.cleanup(false).withTables(Set.of("lost_events")), Trigger.MANUAL, "test");
            assertThat(gate.entered.await(60, TimeUnit.SECONDS)).isTrue();

            // The lease expired (a long pause, an outage) and another instance took it.
            sql(testDb, "UPDATE instance_lease SET holder_id = 'intruder/12345678', holder_host = 'server-b', holder_pid = 99, "
                    + "acquired_at = now(), heartbeat_at = now(), expires_at = now() + interval '1 hour' WHERE lease_name = 'maintenance'");
            Path log = m.service.logFile();
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(log) && Files.readString(log).contains("taken over by intruder"));
            gate.release.countDown();
            RunReport report = start.completion().get(60, TimeUnit.SECONDS);

            assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(report.error()).contains("taken over by intruder on server-b (pid 99)");
            long left = number(testDb, "SELECT count(*) FROM lost_events");
            assertThat(report.rowsDeleted()).isPositive();
            assertThat(left).isPositive().isEqualTo(5_000 - report.rowsDeleted());
            assertThat(report.tables()).singleElement().satisfies(t -> assertThat(t.stoppedBy()).isEqualTo(Outcome.FAILED));
            assertThat(m.alerts.raised).anySatisfy(a -> assertThat(a).startsWith(MaintenanceService.ALERT_RULE).contains("intruder"));
        }
        // Never released on the new holder's behalf.
        assertThat(text(testDb, "SELECT holder_id FROM instance_lease WHERE lease_name = 'maintenance' AND expires_at > now()"))
                .isEqualTo("intruder/12345678");
    }
}
