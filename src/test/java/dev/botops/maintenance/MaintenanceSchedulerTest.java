package dev.botops.maintenance;

import static dev.botops.maintenance.MaintenanceHarness.NOW;
import static dev.botops.maintenance.MaintenanceHarness.number;
import static dev.botops.maintenance.MaintenanceHarness.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class MaintenanceSchedulerTest {

    private static void recordDailyRun(TestDatabase testDb, Instant startedAt) {
        sql(testDb, "INSERT INTO maintenance_runs (kind, trigger, caller, started_at, finished_at, outcome) VALUES "
                + "('DAILY', 'SCHEDULE', 'scheduler', '" + startedAt + "', '" + startedAt.plusSeconds(60) + "', 'SUCCEEDED')");
    }

    @Test
    void dailyRunMissedWhileTheAppWasOffIsCaughtUpOnceAtStart(TestDatabase testDb) {
        sql(testDb, "DELETE FROM maintenance_runs WHERE kind = 'DAILY'");
        recordDailyRun(testDb, Instant.parse("2026-11-26T03:00:00Z")); // today's 03:00 was missed
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            m.service.scheduler().start();

            await().atMost(Duration.ofSeconds(60)).until(() -> number(testDb,
                    "SELECT count(*) FROM maintenance_runs WHERE kind = 'DAILY' AND trigger = 'SCHEDULE' AND outcome = 'SUCCEEDED' "
                            + "AND started_at = '" + NOW + "'") == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> m.service.schedulerState().jobs().stream()
                    .anyMatch(j -> j.kind() == RunKind.DAILY && j.lastOutcome() == Outcome.SUCCEEDED));
            SchedulerState state = m.service.schedulerState();
            assertThat(state.jobs()).filteredOn(j -> j.kind() == RunKind.DAILY).singleElement()
                    .satisfies(j -> assertThat(j.nextRun()).isEqualTo("2026-11-28T03:00:00Z"));
        }
    }

    @Test
    void schedulerWithNothingMissedShowsTheNextRunTimesOfAllJobs(TestDatabase testDb) {
        sql(testDb, "DELETE FROM maintenance_runs");
        recordDailyRun(testDb, Instant.parse("2026-11-27T03:00:01Z"));
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("maintenance.health-every", "6h",
                "maintenance.quick-every", "2h"))) {
            m.service.scheduler().start();
            SchedulerState state = m.service.schedulerState();

            assertThat(state.running()).isTrue();
            assertThat(state.paused()).isFalse();
            assertThat(state.jobs()).extracting(SchedulerState.Job::kind, SchedulerState.Job::nextRun).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple(RunKind.DAILY, Instant.parse("2026-11-28T03:00:00Z")),
                    org.assertj.core.groups.Tuple.tuple(RunKind.HEALTH, NOW.plus(Duration.ofHours(6))),
                    org.assertj.core.groups.Tuple.tuple(RunKind.QUICK_CLEANUP, NOW.plus(Duration.ofHours(2))));

            m.service.scheduler().stop();

            assertThat(m.service.schedulerState().running()).isFalse();
            assertThat(m.service.schedulerState().jobs()).allSatisfy(j -> assertThat(j.nextRun()).isNull());
        }
    }

    @Test
    void failingScheduledRunIsLoggedAndAlertedAndTheNextOneStillHappens(TestDatabase testDb) {
        MaintenanceHarness.createEventsTable(testDb, "flaky_events");
        sql(testDb, "CREATE TABLE flaky_switch (fail boolean NOT NULL)", "INSERT INTO flaky_switch VALUES (true)",
                "CREATE FUNCTION flaky_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF (SELECT fail FROM flaky_switch) THEN RAISE EXCEPTION 'disk on fire'; END IF; RETURN OLD; END $$",
                "CREATE TRIGGER flaky BEFORE DELETE ON flaky_events FOR EACH ROW EXECUTE FUNCTION flaky_delete()");
        MaintenanceHarness.insertEvents(testDb, "flaky_events", Instant.now().minus(Duration.ofDays(40)), 100);
        Map<String, String> settings = Map.of("maintenance.quick-every", "1s", "maintenance.quick-budget", "30s",
                "retention.flaky_events.column", "created_at", "retention.flaky_events.max-age", "30d");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, settings, Clock.systemUTC(), ZoneOffset.UTC)) {
            m.service.scheduler().start();
            await().atMost(Duration.ofSeconds(60)).until(() -> number(testDb,
                    "SELECT count(*) FROM maintenance_runs WHERE kind = 'QUICK_CLEANUP' AND outcome = 'FAILED' AND error LIKE '%disk on fire%'") > 0);
            assertThat(m.alerts.raised).anySatisfy(a -> assertThat(a).contains(MaintenanceService.ALERT_RULE).contains("disk on fire"));
            assertThat(m.service.logFile()).content().contains("QUICK_CLEANUP").contains("FAILED").contains("disk on fire");

            sql(testDb, "UPDATE flaky_switch SET fail = false");

            await().atMost(Duration.ofSeconds(60)).until(() -> number(testDb, "SELECT count(*) FROM flaky_events") == 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> m.alerts.resolved.contains(MaintenanceService.ALERT_RULE));
            assertThat(number(testDb, "SELECT count(*) FROM maintenance_runs WHERE kind = 'QUICK_CLEANUP' AND outcome = 'SUCCEEDED' "
                    + "AND run_id > (SELECT max(run_id) FROM maintenance_runs WHERE outcome = 'FAILED')")).isPositive();
        }
    }

    @Test
    void pausedScheduleSkipsItsJobsUntilResumed(TestDatabase testDb) {
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("maintenance.quick-every", "1s"), Clock.systemUTC(),
                ZoneOffset.UTC)) {
            m.service.pauseSchedule();
            m.service.scheduler().start();

            await().atMost(Duration.ofSeconds(30)).until(() -> quickJob(m).lastOutcome() == Outcome.SKIPPED);
            assertThat(quickJob(m).lastMessage()).contains("paused");
            assertThat(m.service.schedulerState().paused()).isTrue();

            m.service.resumeSchedule();

            await().atMost(Duration.ofSeconds(30)).until(() -> quickJob(m).lastOutcome() == Outcome.SUCCEEDED);
        }
    }

    private static SchedulerState.Job quickJob(MaintenanceHarness m) {
        return m.service.schedulerState().jobs().stream().filter(j -> j.kind() == RunKind.QUICK_CLEANUP).findFirst().orElseThrow();
    }
}
