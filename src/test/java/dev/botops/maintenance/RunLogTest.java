package dev.botops.maintenance;

import static dev.botops.maintenance.MaintenanceHarness.NOW;
import static dev.botops.maintenance.MaintenanceHarness.number;
import static dev.botops.maintenance.MaintenanceHarness.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every run is stored in maintenance_runs and written to maintenance.log. */
@ExtendWith(PostgresExtension.class)
class RunLogTest {

    @Test
    void runIsStoredWithKindTriggerTimesOutcomeRowsSizesAndPerTableDetails(TestDatabase testDb) throws Exception {
        MaintenanceHarness.createEventsTable(testDb, "logged_events");
        MaintenanceHarness.insertEvents(testDb, "logged_events", NOW.minus(Duration.ofDays(31)), 1_000);
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("retention.logged_events.column", "created_at",
                "retention.logged_events.max-age", "30d"))) {
            StartResult start = m.service.start(RunRequest.cleanup(false).withTables(Set.of("logged_events")), Trigger.HTTP, "ops-bot");
            RunReport report = start.completion().join();
            RunRecord record = m.service.run(start.runId()).orElseThrow();

            assertThat(record.kind()).isEqualTo(RunKind.CLEANUP);
            assertThat(record.trigger()).isEqualTo(Trigger.HTTP);
            assertThat(record.caller()).isEqualTo("ops-bot");
            assertThat(record.startedAt()).isEqualTo(NOW);
            assertThat(record.finishedAt()).isNotNull();
            assertThat(record.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(record.rowsDeleted()).isEqualTo(1_000).isEqualTo(report.rowsDeleted());
            assertThat(record.bytesBefore()).isPositive();
            assertThat(record.bytesAfter()).isPositive();
            com.fasterxml.jackson.databind.JsonNode table = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(record.detailsJson()).get("tables").get(0);
            assertThat(table.get("table").asText()).isEqualTo("public.logged_events");
            assertThat(table.get("rows").asLong()).isEqualTo(1_000);
            assertThat(table.get("bytesBefore").asLong()).isPositive();
            assertThat(table.get("bytesAfter").asLong()).isPositive();
            assertThat(m.service.runs(10)).extracting(RunRecord::runId).contains(start.runId());
        }
    }

    @Test
    void finishedRunsReportIsReadBackWithItsTablesAndArchiveFile(TestDatabase testDb) {
        MaintenanceHarness.createEventsTable(testDb, "reread_events");
        MaintenanceHarness.insertEvents(testDb, "reread_events", NOW.minus(Duration.ofDays(31)), 300);
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("retention.reread_events.column", "created_at",
                "retention.reread_events.max-age", "30d", "retention.reread_events.archive", "true"))) {
            RunReport report = m.run(RunRequest.cleanup(false).withTables(Set.of("reread_events")));

            RunReport stored = m.service.report(report.runId()).orElseThrow();

            assertThat(stored.tables()).singleElement().satisfies(t -> {
                assertThat(t.table()).isEqualTo("public.reread_events");
                assertThat(t.rows()).isEqualTo(300);
                assertThat(t.archiveFile()).isEqualTo(report.tables().get(0).archiveFile()).endsWith(".jsonl.gz");
            });
            assertThat(stored.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(stored.startedAt()).isEqualTo(report.startedAt());
            assertThat(m.service.report(report.runId() + 1000)).isEmpty();
        }
    }

    @Test
    void maintenanceLogHasAReadableLinePerRunAndPerTable(TestDatabase testDb) {
        MaintenanceHarness.createEventsTable(testDb, "readable_events");
        MaintenanceHarness.insertEvents(testDb, "readable_events", NOW.minus(Duration.ofDays(31)), 250);
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("retention.readable_events.column", "created_at",
                "retention.readable_events.max-age", "30d"))) {
            RunReport report = m.run(RunRequest.cleanup(false).withTables(Set.of("readable_events")));

            assertThat(m.service.logFile()).hasFileName("maintenance.log").startsWith(m.settings.logDir());
            assertThat(m.service.logFile()).content()
                    .contains("run " + report.runId() + " CLEANUP started by MANUAL (test)")
                    .contains("run " + report.runId() + " CLEANUP by MANUAL (test)")
                    .contains("SUCCEEDED")
                    .contains("public.readable_events [BATCHED, older than 2026-10-28T12:00:00Z]: 250 rows deleted");
        }
    }

    @Test
    void runLeftRunningByADeadProcessIsMarkedInterruptedByTheNextRun(TestDatabase testDb) {
        sql(testDb, "INSERT INTO maintenance_runs (kind, trigger, caller, started_at) VALUES ('DAILY', 'SCHEDULE', 'scheduler', now())");
        long stale = number(testDb, "SELECT max(run_id) FROM maintenance_runs WHERE outcome = 'RUNNING'");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            m.run(RunRequest.health());

            RunRecord record = m.service.run(stale).orElseThrow();
            assertThat(record.outcome()).isEqualTo(Outcome.INTERRUPTED);
            assertThat(record.error()).contains("process stopped");
            assertThat(m.service.logFile()).content().contains("run " + stale + " INTERRUPTED");
        }
    }

    @Test
    void healthRunReportsStorageAgainstTheQuotaAndPartitionsAhead(TestDatabase testDb) {
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("limits.storage-quota", "1GB"))) {
            RunReport report = m.run(RunRequest.health());

            assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(report.health().quotaBytes()).isEqualTo(1L << 30);
            assertThat(report.health().databaseBytes()).isPositive();
            assertThat(report.health().largestTables()).isNotEmpty();
            assertThat(report.health().partitionedTables()).extracting(StorageReport.PartitionedTable::table)
                    .containsExactlyInAnyOrder("botops.message_log", "botops.price_ticks", "botops.metric_samples");
            assertThat(report.health().partitionedTables()).allSatisfy(p -> assertThat(p.daysAhead()).isEqualTo(7));
        }
    }
}
