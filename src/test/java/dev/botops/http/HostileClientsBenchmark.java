package dev.botops.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.testing.LauncherProcess;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 14, point 1, before and after, side by side in one run: a well-behaved client's {@code /health} at 1,000
 * requests/s (open loop, keep-alive, {@link LoopbackLoad}) alone and while each {@link HostileClients} load is held
 * against the endpoint, for the JDK server it had before (built from the commit before Jetty came in, in a git
 * worktree under target/) and for the Jetty endpoint of this build. Each runs as {@code botops serve} in a child
 * JVM with its own embedded PostgreSQL and its default settings, one after the other, driven by the same client.
 *
 * <p>Run: {@code mvn -B verify -Pbenchmarks -Dtest=HostileClientsBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dbench.hostile.seconds=10} per phase; {@code -Dbench.before.commit=<sha>} to compare with another
 * commit). The table goes to {@code target/benchmarks/hostile-http.md} and the log.
 */
@Tag("benchmark")
class HostileClientsBenchmark {
    private static final Logger log = LoggerFactory.getLogger(HostileClientsBenchmark.class);
    private static final double SECONDS = Double.parseDouble(System.getProperty("bench.hostile.seconds", "10"));
    private static final int RATE = 1000;
    private static final int CONNECTIONS = 8;
    private static final Path WORK = Path.of("target", "benchmarks", "hostile");
    private static final Duration BUILD_WAIT = Duration.ofMinutes(15);

    /** The loads, with as many clients as the issue names. */
    private record Load(HostileClients.Kind kind, int count) {
        String label() {
            return kind == null ? "none (the client alone)" : (kind == HostileClients.Kind.OVERSIZED ? "" : String.format(Locale.ROOT, "%,d ", count)) + kind.label;
        }
    }

    private static final List<Load> LOADS = List.of(new Load(null, 0), new Load(HostileClients.Kind.HALF_OPEN, 256),
            new Load(HostileClients.Kind.IDLE_KEEP_ALIVE, 1000), new Load(HostileClients.Kind.TRICKLED_BODY, 256),
            new Load(HostileClients.Kind.OVERSIZED, 2));

    private record Row(LoopbackLoad.Result result, String hostile) {
    }

    @Test
    void wellBehavedHealthChecksUnderHostileClientsBeforeAndAfter() throws Exception {
        HostileClients.requireFileDescriptors(1000 + 2 * CONNECTIONS + 64);
        Files.createDirectories(WORK);
        String before = System.getProperty("bench.before.commit", commitBeforeJetty());
        String beforeClassPath = buildBefore(before);

        Map<String, Map<Load, Row>> results = new LinkedHashMap<>();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        try {
            results.put("before: JDK server (" + before.substring(0, 10) + ")", measure("before", beforeClassPath));
        } finally {
            removeWorktree(WORK.resolve("before-src").toAbsolutePath());
        }
        results.put("after: Jetty (this build)", measure("after", null));
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        List<String> report = report(results, loadBefore, loadAfter);
        Path out = Path.of("target", "benchmarks", "hostile-http.md");
        Files.write(out, report);
        log.info("Hostile clients benchmark:\n{}", String.join("\n", report));

        Map<Load, Row> after = results.get("after: Jetty (this build)");
        assertThat(after.values()).as("the Jetty endpoint answered every request under every load")
                .allSatisfy(row -> assertThat(row.result().errors()).isZero());
    }

    /** Starts {@code botops serve} (this build's when {@code classPath} is null), runs every load against it, stops it. */
    private Map<Load, Row> measure(String name, String classPath) throws Exception {
        Path work = Files.createDirectories(WORK.resolve(name));
        Path data = Files.createTempDirectory(work, "data-");
        int port = freePort();
        List<String> args = List.of("serve", "--set", "http.port=" + port, "--set", "app.data-dir=" + data.toAbsolutePath());
        List<String> jvm = List.of("-Djava.awt.headless=true");
        Map<Load, Row> rows = new LinkedHashMap<>();
        try (LauncherProcess serve = classPath == null ? LauncherProcess.start(work, jvm, args.toArray(String[]::new))
                : LauncherProcess.start(work, classPath, jvm, args.toArray(String[]::new))) {
            awaitAnswer(serve, port, Duration.ofMinutes(3));
            LoopbackLoad.saturate(port, "/health", 4, 3); // warm-up: JIT, memoised bodies
            for (Load load : LOADS) {
                rows.put(load, measure(name, port, load));
                awaitAnswer(serve, port, Duration.ofMinutes(1)); // the next phase starts on a server that has recovered
            }
            log.info("{}: serve stopped with exit code {}", name, serve.stop(Duration.ofSeconds(30)));
        }
        return rows;
    }

    private Row measure(String name, int port, Load load) throws Exception {
        if (load.kind() == null) {
            return new Row(LoopbackLoad.openLoop(port, "/health", RATE, CONNECTIONS, SECONDS), "");
        }
        try (HostileClients hostile = HostileClients.start(load.kind(), port, load.count())) {
            TimeUnit.SECONDS.sleep(1); // the load settles (a benchmark's pause, not a wait for async work)
            LoopbackLoad.Result result = LoopbackLoad.openLoop(port, "/health", RATE, CONNECTIONS, SECONDS);
            String seen = hostile.describe();
            log.info("{} under {}: p50 {} ms, p99 {} ms, errors {} of {}; {}", name, load.label(), ms(result.percentileMillis(50)),
                    ms(result.percentileMillis(99)), result.errors(), result.requests(), seen);
            return new Row(result, seen);
        }
    }

    private static List<String> report(Map<String, Map<Load, Row>> results, double loadBefore, double loadAfter) {
        List<String> report = new ArrayList<>();
        report.add(String.format(Locale.ROOT, "Load average before: %.2f, after: %.2f; %,d req/s for %.0f s per phase over %d keep-alive "
                + "connections; a request unanswered after %d s counts as an error", loadBefore, loadAfter, RATE, SECONDS, CONNECTIONS,
                LoopbackLoad.REQUEST_TIMEOUT.toSeconds()));
        report.add("");
        report.add("| held against the endpoint | server | p50 ms | p99 ms | max ms | errors | what the hostile clients got |");
        report.add("|---|---|---:|---:|---:|---:|---|");
        for (Load load : LOADS) {
            for (Map.Entry<String, Map<Load, Row>> server : results.entrySet()) {
                Row row = server.getValue().get(load);
                LoopbackLoad.Result r = row.result();
                report.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %,d of %,d | %s |", load.label(), server.getKey(),
                        ms(r.percentileMillis(50)), ms(r.percentileMillis(99)), ms(r.percentileMillis(100)), r.errors(), r.requests(),
                        row.hostile().replace("|", "/")));
            }
        }
        return report;
    }

    private static String ms(double millis) {
        return Double.isInfinite(millis) ? "failed" : String.format(Locale.ROOT, "%.2f", millis);
    }

    /** Waits until {@code /health} answers at all (200 or 503), or fails with the child's log. */
    private static void awaitAnswer(LauncherProcess serve, int port, Duration wait) throws IOException {
        long end = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < end) {
            assertThat(serve.process().isAlive()).as("serve is running; its log:\n%s", serve.stdout()).isTrue();
            if (Probe.get(port, "/health", Duration.ofSeconds(2)).answered()) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
        }
        throw new AssertionError("serve did not answer /health within " + wait + "; its log:\n" + serve.stdout());
    }

    /** The parent of the first commit that brought Jetty into pom.xml: the endpoint on the JDK server. */
    private static String commitBeforeJetty() throws Exception {
        String commits = run(Path.of("."), Duration.ofMinutes(1), "git", "log", "--reverse", "--format=%H", "-Sjetty-server", "--", "pom.xml");
        assertThat(commits).as("a commit that added jetty-server to pom.xml (or set -Dbench.before.commit)").isNotBlank();
        return run(Path.of("."), Duration.ofMinutes(1), "git", "rev-parse", commits.lines().findFirst().orElseThrow() + "^").trim();
    }

    /**
     * Checks {@code commit} out in a git worktree under target/ and compiles it (no tests); returns the class path
     * of its {@code serve}: its classes and its runtime dependencies. The worktree is removed again at the end.
     */
    private static String buildBefore(String commit) throws Exception {
        Path source = WORK.resolve("before-src").toAbsolutePath();
        removeWorktree(source);
        run(Path.of("."), Duration.ofMinutes(2), "git", "worktree", "add", "--detach", source.toString(), commit);
        run(source, BUILD_WAIT, "mvn", "-q", "-B", "-DskipTests", "compile");
        Path classPathFile = source.resolve("target/runtime-classpath.txt");
        run(source, BUILD_WAIT, "mvn", "-q", "-B", "dependency:build-classpath", "-Dmdep.includeScope=runtime",
                "-Dmdep.outputFile=" + classPathFile);
        return source.resolve("target/classes") + java.io.File.pathSeparator + Files.readString(classPathFile).trim();
    }

    private static void removeWorktree(Path source) throws Exception {
        if (Files.exists(source)) {
            run(Path.of("."), Duration.ofMinutes(2), "git", "worktree", "remove", "--force", source.toString());
        }
        run(Path.of("."), Duration.ofMinutes(1), "git", "worktree", "prune");
    }

    /** Runs a command to its end (bounded); returns its output, or fails with it. */
    private static String run(Path dir, Duration wait, String... command) throws Exception {
        Path output = Files.createTempFile(Files.createDirectories(WORK), "command-", ".txt");
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(String.join(" ", command) + " did not finish within " + wait);
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as("%s in %s:\n%s", String.join(" ", command), dir, text).isZero();
            return text;
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(output);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
