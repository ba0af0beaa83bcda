package dev.botops.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.drill.DrillVerdict.Check;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The resilience drill (issue 9): {@code mvn -B verify -Pdrill}. The drill runs once, before the checks; each
 * test is one check on its figures; the run is written into {@code docs/drill.md} (passed or not) and in full
 * to {@code target/drill/<run>/report.md}. Linux only: connections are attributed to processes via /proc.
 */
@Tag("drill")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResilienceDrillTest {
    private static final Path REPORT = Path.of(System.getProperty("basedir", "."), "docs", "drill.md");
    /** Each run keeps its PostgreSQL data directory (~50 MB) for a post-mortem; only the latest few are kept. */
    private static final int RUNS_KEPT = 4;

    private final Instant startedAt = Instant.now();
    private final Path runDir = Path.of(System.getProperty("basedir", "."), "target", "drill", Drill.timestamp(startedAt));
    private DrillResult result;
    private List<Check> checks = List.of();
    private Throwable failure;

    @BeforeAll
    @Timeout(value = 9, unit = TimeUnit.MINUTES)
    void runTheDrill() throws Exception {
        assertThat(ProcSockets.available()).as("the drill reads /proc (Linux)").isTrue();
        pruneOldRuns(runDir.getParent());
        try (Drill drill = new Drill(runDir)) {
            result = drill.run();
            checks = DrillVerdict.judge(result);
        } catch (Exception | Error e) {
            failure = e;
            throw e;
        }
    }

    @AfterAll
    void writeTheReport() throws Exception {
        Files.createDirectories(runDir);
        if (result == null) {
            String when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(startedAt);
            Map<String, String> environment = Environment.describe();
            DrillReport.update(REPORT, null, DrillReport.abortedRow(when, environment, failure));
            return;
        }
        String lastRun = DrillReport.lastRun(result, checks);
        Files.writeString(runDir.resolve("report.md"), lastRun);
        DrillReport.update(REPORT, lastRun, DrillReport.historyRow(result, checks));
    }

    private static void pruneOldRuns(Path drillDir) throws java.io.IOException {
        if (!Files.isDirectory(drillDir)) {
            return;
        }
        List<Path> runs;
        try (java.util.stream.Stream<Path> dirs = Files.list(drillDir)) {
            runs = dirs.filter(Files::isDirectory).sorted(java.util.Comparator.reverseOrder()).collect(java.util.stream.Collectors.toList());
        }
        runs.stream().skip(RUNS_KEPT - 1).forEach(DrillPostgres::deleteRecursively);
    }

    @Test
    void noUpdateIsLostAndNoneIsAppliedTwice() {
        assertPassed(DrillVerdict.EXACTLY_ONCE);
    }

    @Test
    void everyCommandGetsItsOwnReply() {
        assertPassed(DrillVerdict.REPLIES);
    }

    @Test
    void eachInstanceStaysWithinItsConnectionCap() {
        assertPassed(DrillVerdict.CONNECTION_CAP);
    }

    @Test
    void healthGoesDownDuringTheOutageAndUpAfter() {
        assertPassed(DrillVerdict.HEALTH);
    }

    @Test
    void cleanupDeletesExactlyTheExpiredRowsAndArchivesThem() {
        assertPassed(DrillVerdict.CLEANUP);
    }

    @Test
    void theStandbyTakesOverWithinTheLeaseExpiry() {
        assertPassed(DrillVerdict.TAKEOVER);
    }

    @Test
    void onlyOneInstancePollsWhileTwoRun() {
        assertPassed(DrillVerdict.ONE_POLLER);
    }

    @Test
    void theAppRecoversFromEveryFault() {
        assertPassed(DrillVerdict.RECOVERY);
    }

    @Test
    void secretsStayOutOfTheLogs() {
        assertPassed(DrillVerdict.SECRETS);
    }

    @Test
    void theSurvivorStopsCleanly() {
        assertPassed(DrillVerdict.CLEAN_STOP);
    }

    private void assertPassed(String name) {
        Check check = checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
        assertThat(check.passed()).as("%s: %s", check.name(), check.detail()).isTrue();
    }
}
