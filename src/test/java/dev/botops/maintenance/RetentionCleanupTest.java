package dev.botops.maintenance;

import static dev.botops.maintenance.MaintenanceHarness.NOW;
import static dev.botops.maintenance.MaintenanceHarness.number;
import static dev.botops.maintenance.MaintenanceHarness.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("core")
@ExtendWith(PostgresExtension.class)
class RetentionCleanupTest {
    private static final Instant CUTOFF = NOW.minus(Duration.ofDays(30));

    private static Map<String, String> policy(String table, String extra) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("retention." + table + ".column", "created_at",
                "retention." + table + ".max-age", "30d", "retention." + table + ".batch-size", "500"));
        if (!extra.isEmpty()) {
            settings.put("retention." + table + "." + extra.split("=")[0], extra.split("=")[1]);
        }
        return settings;
    }

    @Test
    void rowsAtOrInsideTheCutoffSurviveAndOneSecondPastGoesOnAPlainTable(TestDatabase testDb) {
        MaintenanceHarness.createEventsTable(testDb, "boundary_events");
        sql(testDb, "INSERT INTO boundary_events (created_at, note) VALUES ('" + CUTOFF + "', 'at'), ('" + CUTOFF.plusSeconds(1)
                + "', 'inside'), ('" + CUTOFF.minusSeconds(1) + "', 'past')");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, policy("boundary_events", ""))) {
            RunReport report = m.run(RunRequest.cleanup(false).withTables(Set.of("boundary_events")));

            assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(report.rowsDeleted()).isEqualTo(1);
            assertThat(MaintenanceHarness.text(testDb, "SELECT string_agg(note, ',' ORDER BY note) FROM boundary_events")).isEqualTo("at,inside");
        }
    }

    @Test
    void rowsAtOrInsideTheCutoffSurviveAndOneSecondPastGoesInAPartitionedTable(TestDatabase testDb) {
        // A daily partition holding the cutoff (boundary), and the DEFAULT partition for older rows.
        sql(testDb, "CREATE TABLE botops.message_log_p20261028 PARTITION OF message_log FOR VALUES FROM ('2026-10-28 00:00Z') TO ('2026-10-29 00:00Z')",
                "INSERT INTO message_log (direction, text, logged_at) VALUES ('IN', 'at', '" + CUTOFF + "'), ('IN', 'inside', '"
                        + CUTOFF.plusSeconds(1) + "'), ('IN', 'past', '" + CUTOFF.minusSeconds(1) + "'), ('IN', 'old', '2026-09-01 00:00Z')");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            RunReport report = m.run(RunRequest.cleanup(false).withTables(Set.of("message_log")));

            assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(MaintenanceHarness.text(testDb, "SELECT string_agg(text, ',' ORDER BY text) FROM message_log")).isEqualTo("at,inside");
        }
    }

    @Test
    void dryRunReportsExactlyWhatTheRealRunThenDeletesAndDeletesNothing(TestDatabase testDb) {
        MaintenanceHarness.createEventsTable(testDb, "dry_events");
        MaintenanceHarness.insertEvents(testDb, "dry_events", NOW.minus(Duration.ofDays(29)), 500);
        MaintenanceHarness.insertEvents(testDb, "dry_events", CUTOFF.minusSeconds(1), 12_345);
        sql(testDb, "CREATE TABLE botops.message_log_p20261020 PARTITION OF message_log FOR VALUES FROM ('2026-10-20 00:00Z') TO ('2026-10-21 00:00Z')",
                "INSERT INTO message_log (direction, text, logged_at) SELECT 'IN', 'x', '2026-10-20 00:00Z'::timestamptz + g * interval '1 minute' "
                        + "FROM generate_series(0, 999) g",
                "INSERT INTO message_log (direction, text, logged_at) SELECT 'IN', 'y', '" + CUTOFF + "'::timestamptz - g * interval '1 minute' "
                        + "FROM generate_series(0, 99) g");
        // At least the 1,099 rows above; other tests of this class may have left expired messages too.
        long expiredMessages = number(testDb, "SELECT count(*) FROM message_log WHERE logged_at < '" + CUTOFF + "'");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, policy("dry_events", ""))) {
            RunRequest request = RunRequest.cleanup(true).withTables(Set.of("dry_events", "message_log"));
            RunReport dry = m.run(request);
            long eventsAfterDryRun = number(testDb, "SELECT count(*) FROM dry_events");
            RunReport real = m.run(RunRequest.cleanup(false).withTables(request.tables()));

            assertThat(eventsAfterDryRun).isEqualTo(12_845);
            assertThat(rowsByTable(dry)).isEqualTo(rowsByTable(real)).containsEntry("public.dry_events", 12_345L)
                    .containsEntry("botops.message_log", expiredMessages);
            assertThat(expiredMessages).isGreaterThanOrEqualTo(1_099L);
            assertThat(dry.tables()).filteredOn(t -> t.table().equals("botops.message_log"))
                    .singleElement().satisfies(t -> assertThat(t.droppedPartitions()).containsExactly("botops.message_log_p20261020"));
            assertThat(number(testDb, "SELECT count(*) FROM dry_events")).isEqualTo(500);
        }
    }

    private static Map<String, Long> rowsByTable(RunReport report) {
        Map<String, Long> rows = new java.util.TreeMap<>();
        report.tables().forEach(t -> rows.put(t.table(), t.rows()));
        return rows;
    }

    @Test
    void archiveHoldsExactlyTheDeletedRowsAndLoadsBack(TestDatabase testDb) {
        MaintenanceHarness.createEventsTable(testDb, "archived_events");
        MaintenanceHarness.insertEvents(testDb, "archived_events", NOW, 100);
        MaintenanceHarness.insertEvents(testDb, "archived_events", CUTOFF.minusSeconds(1), 3_210);
        sql(testDb, "UPDATE archived_events SET note = E'quote \" backslash \\\\ newline \\n tab \\t é' WHERE id % 7 = 0");
        String expiredBefore = MaintenanceHarness.text(testDb, "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM archived_events t "
                + "WHERE created_at < '" + CUTOFF + "'");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, policy("archived_events", "archive=true"))) {
            RunReport report = m.run(RunRequest.cleanup(false).withTables(Set.of("archived_events")));
            TableResult result = report.tables().get(0);
            List<String> archived = ArchiveRestorer.readLines(java.nio.file.Path.of(result.archiveFile()));

            assertThat(result.rows()).isEqualTo(3_210);
            assertThat(archived).hasSize(3_210);
            assertThat(number(testDb, "SELECT count(*) FROM archived_events")).isEqualTo(100);

            long restored = new ArchiveRestorer(m.db).restore(java.nio.file.Path.of(result.archiveFile()), java.util.Optional.of("archived_events"))
                    .restored();

            assertThat(restored).isEqualTo(3_210);
            assertThat(MaintenanceHarness.text(testDb, "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM archived_events t "
                    + "WHERE created_at < '" + CUTOFF + "'")).isEqualTo(expiredBefore);
        }
    }

    @Test
    void archiveLoadsBackWithThePsqlRecipeOfTheDocs(TestDatabase testDb) throws Exception {
        sql(testDb, "CREATE TABLE botops.message_log_p20261001 PARTITION OF message_log FOR VALUES FROM ('2026-10-01 00:00Z') TO ('2026-10-02 00:00Z')",
                "INSERT INTO message_log (update_id, direction, text, logged_at) SELECT g, 'IN', E'line\\n' || g || E' \\\\ \"q\"', "
                        + "'2026-10-01 00:00Z'::timestamptz + g * interval '1 second' FROM generate_series(1, 500) g");
        String before = MaintenanceHarness.text(testDb, "SELECT md5(string_agg(t::text, '|' ORDER BY update_id)) FROM message_log t "
                + "WHERE logged_at < '2026-10-02'");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("retention.message_log.archive", "true"))) {
            RunReport report = m.run(RunRequest.cleanup(false).withTables(Set.of("message_log")));
            java.nio.file.Path file = java.nio.file.Path.of(report.tables().get(0).archiveFile());
            assertThat(number(testDb, "SELECT count(*) FROM message_log WHERE logged_at < '2026-10-02'")).isZero();

            // docs/maintenance.md: \copy ... FROM PROGRAM 'zcat file' WITH (FORMAT csv, QUOTE E'\x01', DELIMITER E'\x02'), then INSERT.
            try (java.sql.Connection c = testDb.admin().getConnection();
                 java.io.InputStream zcat = new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(file))) {
                c.createStatement().execute("CREATE TEMP TABLE archive_lines (line text)");
                new org.postgresql.copy.CopyManager(c.unwrap(org.postgresql.core.BaseConnection.class)).copyIn(
                        "COPY archive_lines FROM STDIN WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')", zcat);
                c.createStatement().execute("INSERT INTO botops.message_log SELECT r.* FROM archive_lines a, "
                        + "json_populate_record(NULL::botops.message_log, a.line::json) r ON CONFLICT DO NOTHING");
            }
        }
        assertThat(MaintenanceHarness.text(testDb, "SELECT md5(string_agg(t::text, '|' ORDER BY update_id)) FROM message_log t "
                + "WHERE logged_at < '2026-10-02'")).isEqualTo(before);
    }

    @Test
    void cancelledRunStopsBetweenBatchesAndTheNextRunFinishes(TestDatabase testDb) {
        MaintenanceHarness.createEventsTable(testDb, "cancel_events");
        MaintenanceHarness.insertEvents(testDb, "cancel_events", CUTOFF.minusSeconds(1), 20_000);
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, policy("cancel_events", "batch-size=100"))) {
            ProgressListener cancelAfterThreeBatches = p -> {
                if (p.batches() == 3) {
                    m.service.cancel();
                }
            };
            m.service.addProgressListener(cancelAfterThreeBatches);
            RunReport cancelled = m.run(RunRequest.cleanup(false).withTables(Set.of("cancel_events")));
            m.service.removeProgressListener(cancelAfterThreeBatches);
            long left = number(testDb, "SELECT count(*) FROM cancel_events");

            assertThat(cancelled.outcome()).isEqualTo(Outcome.CANCELLED);
            assertThat(cancelled.rowsDeleted()).isEqualTo(20_000 - left).isBetween(300L, 19_999L);

            RunReport next = m.run(RunRequest.cleanup(false).withTables(Set.of("cancel_events")));

            assertThat(next.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(next.rowsDeleted()).isEqualTo(left);
            assertThat(number(testDb, "SELECT count(*) FROM cancel_events")).isZero();
        }
    }

    @Test
    void timeBudgetStopsTheRunAfterWholeBatches(TestDatabase testDb) {
        MaintenanceHarness.createEventsTable(testDb, "budget_events");
        MaintenanceHarness.insertEvents(testDb, "budget_events", CUTOFF.minusSeconds(1), 20_000);
        sql(testDb, "CREATE FUNCTION slow_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.002); RETURN OLD; END $$",
                "CREATE TRIGGER budget_slow BEFORE DELETE ON budget_events FOR EACH ROW EXECUTE FUNCTION slow_delete()");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, policy("budget_events", "batch-size=100"))) {
            RunReport report = m.run(RunRequest.cleanup(false).withTables(Set.of("budget_events")).withBudget(Duration.ofSeconds(1)));

            assertThat(report.outcome()).isEqualTo(Outcome.BUDGET_REACHED);
            assertThat(report.rowsDeleted()).isPositive().isLessThan(20_000)
                    .isEqualTo(20_000 - number(testDb, "SELECT count(*) FROM budget_events"));
            // Stopped by the budget, not by the end of the table (about 40 s of slowed deletes), with room for a busy machine.
            assertThat(report.duration()).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void progressReportsRowsBatchesRateAndWhatRemains(TestDatabase testDb) {
        MaintenanceHarness.createEventsTable(testDb, "progress_events");
        MaintenanceHarness.insertEvents(testDb, "progress_events", CUTOFF.minusSeconds(1), 5_000);
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, policy("progress_events", "batch-size=100"))) {
            List<CleanupProgress> seen = new CopyOnWriteArrayList<>();
            m.service.addProgressListener(seen::add);
            m.run(RunRequest.cleanup(false).withTables(Set.of("progress_events")));

            assertThat(seen).hasSizeGreaterThan(3).allSatisfy(p -> assertThat(p.rowsExpected()).isEqualTo(5_000));
            CleanupProgress last = seen.get(seen.size() - 1);
            assertThat(last.rowsDeleted()).isEqualTo(5_000);
            assertThat(last.rowsRemaining()).isZero();
            assertThat(last.rowsPerSecond()).isPositive();
            assertThat(seen).extracting(CleanupProgress::rowsDeleted).isSorted();
            assertThat(seen.get(2).estimatedRemaining()).isNotNull();
            assertThat(m.service.progress()).isEmpty();
        }
    }

    @Test
    void runsOfEqualTimestampsLongerThanABatchAreDeletedCompletely(TestDatabase testDb) {
        MaintenanceHarness.createEventsTable(testDb, "tied_events");
        sql(testDb, "INSERT INTO tied_events (created_at, note) SELECT '" + CUTOFF.minusSeconds(60) + "', 'tie' FROM generate_series(1, 1000)",
                "INSERT INTO tied_events (created_at, note) SELECT '" + CUTOFF.minusSeconds(30) + "', 'tie' FROM generate_series(1, 1000)");
        MaintenanceHarness.insertEvents(testDb, "tied_events", NOW, 10);
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, policy("tied_events", "batch-size=100"))) {
            RunReport report = m.run(RunRequest.cleanup(false).withTables(Set.of("tied_events")));

            assertThat(report.rowsDeleted()).isEqualTo(2_000);
            assertThat(number(testDb, "SELECT count(*) FROM tied_events")).isEqualTo(10);
        }
    }

    @Test
    void largeBacklogIsWalkedBlockByBlockAndArchivedCompletely(TestDatabase testDb) {
        MaintenanceHarness.createEventsTable(testDb, "backlog_events");
        MaintenanceHarness.insertEvents(testDb, "backlog_events", CUTOFF.plusSeconds(4_000), 4_000);
        MaintenanceHarness.insertEvents(testDb, "backlog_events", CUTOFF.minusSeconds(1), 6_000);
        sql(testDb, "UPDATE backlog_events SET note = 'fresh' WHERE id % 3 = 0 AND created_at >= '" + CUTOFF + "'",
                "ANALYZE backlog_events"); // 60 % expired: the planner's statistics make this a block walk
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, policy("backlog_events", "archive=true"))) {
            RunReport report = m.run(RunRequest.cleanup(false).withTables(Set.of("backlog_events")));

            assertThat(report.rowsDeleted()).isEqualTo(6_000);
            assertThat(ArchiveRestorer.readLines(java.nio.file.Path.of(report.tables().get(0).archiveFile()))).hasSize(6_000)
                    .noneMatch(line -> line.contains("fresh"));
            assertThat(number(testDb, "SELECT count(*) FROM backlog_events")).isEqualTo(4_000);
            assertThat(number(testDb, "SELECT count(*) FROM backlog_events WHERE created_at < '" + CUTOFF + "'")).isZero();
        }
    }

    @Test
    void policyTablesWithoutAnIndexOnTheColumnAreStillCleanedCompletely(TestDatabase testDb) {
        sql(testDb, "CREATE TABLE unindexed_events (created_at timestamptz NOT NULL, note text)");
        MaintenanceHarness.insertEvents(testDb, "unindexed_events", CUTOFF.minusSeconds(1), 2_500);
        MaintenanceHarness.insertEvents(testDb, "unindexed_events", NOW, 10);
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, policy("unindexed_events", "batch-size=300"))) {
            RunReport report = m.run(RunRequest.cleanup(false).withTables(Set.of("unindexed_events")));

            assertThat(report.rowsDeleted()).isEqualTo(2_500);
            assertThat(number(testDb, "SELECT count(*) FROM unindexed_events")).isEqualTo(10);
        }
    }
}
