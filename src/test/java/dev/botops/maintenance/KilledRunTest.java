package dev.botops.maintenance;

import static dev.botops.maintenance.MaintenanceHarness.NOW;
import static dev.botops.maintenance.MaintenanceHarness.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** `botops maintenance` killed with SIGKILL mid-run: every batch is done or not, nothing is lost, the next run finishes. */
@ExtendWith(PostgresExtension.class)
class KilledRunTest {
    private static final int ROWS = 200_000;

    @TempDir
    Path dataDir;

    @Test
    void runKilledMidwayLosesNoRowAndTheNextRunFinishesTheJob(TestDatabase testDb) throws Exception {
        MaintenanceHarness.createEventsTable(testDb, "killed_events");
        MaintenanceHarness.insertEvents(testDb, "killed_events", NOW.minus(Duration.ofDays(40)), ROWS);
        Map<String, String> policy = Map.of("retention.killed_events.column", "created_at", "retention.killed_events.max-age", "30d",
                "retention.killed_events.batch-size", "100", "retention.killed_events.archive", "true",
                "maintenance.batch-target", "5ms", "maintenance.archive-dir", dataDir.resolve("archive").toString(),
                "maintenance.lease-ttl", "2s");

        Process cli = startCli(testDb, policy);
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> number(testDb, "SELECT count(*) FROM killed_events") < ROWS - 5_000);
        } finally {
            cli.destroyForcibly(); // SIGKILL: no shutdown hook, no rollback by the app
            cli.waitFor();
        }
        long left = number(testDb, "SELECT count(*) FROM killed_events");
        Set<Long> archived = archivedIds();
        Set<Long> remaining = remainingIds(testDb);

        assertThat(left).isPositive().isLessThan(ROWS);
        assertThat(number(testDb, "SELECT count(*) FROM maintenance_runs WHERE outcome = 'RUNNING'")).isEqualTo(1);
        // Nothing lost: every row is still in the table or in the archive (at most one batch in both).
        Set<Long> union = new HashSet<>(archived);
        union.addAll(remaining);
        assertThat(union).hasSize(ROWS);
        assertThat(archived.size() + remaining.size() - ROWS).isLessThanOrEqualTo(AdaptiveBatchSize.MAX);

        // The killed process never released its maintenance lease: the next run can start once it expired.
        await().atMost(Duration.ofSeconds(30)).until(() -> number(testDb,
                "SELECT count(*) FROM instance_lease WHERE lease_name = 'maintenance' AND expires_at > now()") == 0);
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, policy)) {
            RunReport next = m.run(RunRequest.cleanup(false).withTables(Set.of("killed_events")));

            assertThat(next.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(next.rowsDeleted()).isEqualTo(left);
            assertThat(number(testDb, "SELECT count(*) FROM killed_events")).isZero();
            assertThat(number(testDb, "SELECT count(*) FROM maintenance_runs WHERE outcome = 'INTERRUPTED'")).isEqualTo(1);
        }
        assertThat(archivedIds()).hasSize(ROWS);
    }

    private Process startCli(TestDatabase testDb, Map<String, String> policy) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dbotops.log.dir=" + dataDir.resolve("logs"), "-cp", System.getProperty("java.class.path"), "dev.botops.app.Launcher",
                "maintenance", "--table", "killed_events", "--set", "database.url=" + testDb.databaseUrl(),
                "--set", "app.data-dir=" + dataDir));
        policy.forEach((k, v) -> {
            command.add("--set");
            command.add(k + "=" + v);
        });
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dataDir.resolve("cli.out").toFile()).start();
    }

    private Set<Long> archivedIds() throws IOException {
        ObjectMapper json = new ObjectMapper();
        Set<Long> ids = new HashSet<>();
        try (Stream<Path> files = Files.list(dataDir.resolve("archive"))) {
            for (Path file : files.toList()) {
                for (String line : ArchiveRestorer.readLines(file)) {
                    ids.add(json.readTree(line).get("id").asLong());
                }
            }
        }
        return ids;
    }

    private static Set<Long> remainingIds(TestDatabase testDb) throws SQLException {
        Set<Long> ids = new HashSet<>();
        try (Connection c = testDb.admin().getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT id FROM killed_events")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
