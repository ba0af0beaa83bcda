package dev.botops.maintenance;

import static dev.botops.maintenance.MaintenanceHarness.NOW;
import static dev.botops.maintenance.MaintenanceHarness.number;
import static dev.botops.maintenance.MaintenanceHarness.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.botops.config.ConfigException;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Retention on tables BotOps does not own: archived before deleting unless turned off, and checked as an editor would. */
@ExtendWith(PostgresExtension.class)
class OperatorTablesRetentionTest {
    @TempDir
    Path dir;

    private Map<String, String> policy(String table, String... extra) {
        Map<String, String> settings = new HashMap<>(Map.of("retention." + table + ".column", "created_at",
                "retention." + table + ".max-age", "30d", "maintenance.archive-dir", dir.resolve("archive").toString()));
        for (int i = 0; i < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        return settings;
    }

    @Test
    void rowsOfATableBotOpsDoesNotOwnAreArchivedBeforeDeletingByDefault(TestDatabase testDb) {
        MaintenanceHarness.createEventsTable(testDb, "bot_events");
        MaintenanceHarness.insertEvents(testDb, "bot_events", NOW, 50);
        MaintenanceHarness.insertEvents(testDb, "bot_events", NOW.minus(Duration.ofDays(31)), 120);
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, policy("bot_events"))) {
            ResolvedPolicy resolved = m.service.policies().stream().filter(p -> p.policy().name().equals("bot_events")).findFirst()
                    .orElseThrow();
            assertThat(resolved.operatorTable()).isTrue();
            assertThat(resolved.archives()).isTrue();

            TableResult result = m.run(RunRequest.cleanup(false).withTables(Set.of("bot_events"))).tables().get(0);

            assertThat(result.rows()).isEqualTo(120);
            assertThat(result.archiveFile()).startsWith(dir.resolve("archive").resolve("public.bot_events-run").toString());
            assertThat(ArchiveRestorer.readLines(Path.of(result.archiveFile()))).hasSize(120);
            assertThat(number(testDb, "SELECT count(*) FROM bot_events")).isEqualTo(50);
        }
    }

    @Test
    void archiveFalseTurnsTheArchiveOffExplicitly(TestDatabase testDb) {
        MaintenanceHarness.createEventsTable(testDb, "unarchived_events");
        MaintenanceHarness.insertEvents(testDb, "unarchived_events", NOW.minus(Duration.ofDays(31)), 30);
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, policy("unarchived_events", "retention.unarchived_events.archive",
                "false"))) {
            TableResult result = m.run(RunRequest.cleanup(false).withTables(Set.of("unarchived_events"))).tables().get(0);

            assertThat(result.rows()).isEqualTo(30);
            assertThat(result.archiveFile()).isNull();
        }
    }

    @Test
    void botopsOwnHistoryIsNotArchivedByDefault(TestDatabase testDb) {
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            assertThat(m.service.policies()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.operatorTable()).as(p.table().display()).isFalse();
                assertThat(p.archives()).as(p.table().display()).isFalse();
            });
        }
    }

    @Test
    void validPolicyIsResolvedAsMaintenanceWouldRunIt(TestDatabase testDb) {
        MaintenanceHarness.createEventsTable(testDb, "editor_events");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("maintenance.archive-dir", dir.resolve("archive").toString()))) {
            PolicyCheck check = m.service.validatePolicy("editor", Map.of("table", "public.editor_events", "column", "created_at",
                    "max-age", "14d", "enabled", "false"));

            assertThat(check.valid()).as(check.problems().toString()).isTrue();
            assertThat(check.resolved()).hasValueSatisfying(p -> {
                assertThat(p.table().display()).isEqualTo("public.editor_events");
                assertThat(p.strategy()).isEqualTo(ResolvedPolicy.Strategy.BATCHED);
                assertThat(p.archives()).isTrue();
                assertThat(p.policy().enabled()).isFalse();
            });
        }
    }

    @Test
    void everyBadValueIsReportedAtOnceWithItsKey(TestDatabase testDb) {
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            PolicyCheck check = m.service.validatePolicy("editor", Map.of("table", "public.editor_events", "column", "created_at",
                    "max-age", "-3d", "batch-size", "lots", "archive", "perhaps"));

            assertThat(check.valid()).isFalse();
            assertThat(check.problems()).extracting(PolicyCheck.Problem::key).containsExactlyInAnyOrder("retention.editor.max-age",
                    "retention.editor.batch-size", "retention.editor.archive");
            assertThat(check.resolved()).isEmpty();
        }
    }

    @Test
    void catalogProblemsNameTheKeyToFix(TestDatabase testDb) {
        MaintenanceHarness.createEventsTable(testDb, "catalog_events");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            assertThat(problems(m, Map.of("table", "public.missing", "column", "created_at", "max-age", "1d")))
                    .containsExactly(List.of("retention.editor.table", "'public.missing' does not exist"));
            assertThat(problems(m, Map.of("table", "public.catalog_events", "column", "created", "max-age", "1d")))
                    .containsExactly(List.of("retention.editor.column", "has no column 'created'"));
            assertThat(problems(m, Map.of("table", "public.catalog_events", "column", "note", "max-age", "1d")))
                    .containsExactly(List.of("retention.editor.column", "is text; a retention column must be a timestamp or date"));
            assertThat(problems(m, Map.of("table", "pg_catalog.pg_class", "column", "relname", "max-age", "1d")))
                    .containsExactly(List.of("retention.editor.table", "pg_catalog.pg_class is a system catalog table"));
            assertThat(problems(m, Map.of("column", "created_at", "max-age", "1d", "colour", "red")))
                    .containsExactly(List.of("retention.editor.colour", "Unknown retention setting 'colour'"));
            assertThat(m.service.validatePolicy("has.dot", Map.of()).problems()).singleElement()
                    .satisfies(p -> assertThat(p.message()).contains("A policy name is letters, digits"));
        }
    }

    @Test
    void archiveDirectoryThatCannotBeWrittenIsAProblemForAnArchivingPolicy(TestDatabase testDb) throws IOException {
        MaintenanceHarness.createEventsTable(testDb, "archive_dir_events");
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        Map<String, String> settings = Map.of("maintenance.archive-dir", file.resolve("archive").toString());
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, settings)) {
            PolicyCheck archiving = m.service.validatePolicy("editor", Map.of("table", "archive_dir_events", "column", "created_at",
                    "max-age", "1d"));
            PolicyCheck notArchiving = m.service.validatePolicy("editor", Map.of("table", "archive_dir_events", "column", "created_at",
                    "max-age", "1d", "archive", "false"));

            assertThat(archiving.problems()).singleElement().satisfies(p -> {
                assertThat(p.key()).isEqualTo("maintenance.archive-dir");
                assertThat(p.message()).contains("cannot be created").contains("retention.editor.archive=false");
            });
            assertThat(notArchiving.valid()).isTrue();
        }
        Map<String, String> atStart = new HashMap<>(settings);
        atStart.putAll(Map.of("retention.archive_dir_events.column", "created_at", "retention.archive_dir_events.max-age", "1d"));
        assertThatThrownBy(() -> new MaintenanceHarness(testDb, atStart)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("maintenance.archive-dir").hasMessageContaining("public.archive_dir_events");
    }

    private static List<List<String>> problems(MaintenanceHarness m, Map<String, String> attributes) {
        return m.service.validatePolicy("editor", attributes).problems().stream()
                .map(p -> List.of(p.key(), fragmentOf(p.message()))).toList();
    }

    /** The message cut to the fragment the test names (the rest says how to fix it). */
    private static String fragmentOf(String message) {
        for (String fragment : List.of("'public.missing' does not exist", "has no column 'created'",
                "is text; a retention column must be a timestamp or date", "pg_catalog.pg_class is a system catalog table",
                "Unknown retention setting 'colour'")) {
            if (message.contains(fragment)) {
                return fragment;
            }
        }
        return message;
    }
}
