package dev.botops.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 14, point 1: /health, /database/health and /metrics keep answering, at about their usual speed, while
 * misbehaving clients hold connections against the endpoint, as {@code serve} runs it with its default limits.
 * Each test measures the same well-behaved client (a new connection per request, as a monitor does) without the
 * load and then with it. The bounds are generous, for a busy machine: no request may fail or stall for seconds;
 * the millisecond figures are the benchmark's (docs/benchmarks.md).
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileClientsTest {
    private static final Logger log = LoggerFactory.getLogger(HostileClientsTest.class);
    private static final List<String> PATHS = List.of("/health", "/database/health", "/metrics");
    private static final int PROBES = 60;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STALL = Duration.ofSeconds(2);
    private static final Duration PACE = Duration.ofMillis(20);

    private RunningApp app;
    private int port;
    private final Map<String, Integer> usualStatus = new HashMap<>();

    @BeforeAll
    void start(TestDatabase testDb) {
        app = RunningApp.start(testDb, Map.of()).awaitSnapshot();
        port = app.endpoint().port();
        for (String path : PATHS) {
            usualStatus.put(path, Probe.get(port, path, PROBE_TIMEOUT).status());
        }
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void halfOpenRequestsDoNotHoldTheWorkers() throws Exception {
        keepsAnsweringUnder(HostileClients.Kind.HALF_OPEN, 256);
    }

    @Test
    void idleKeepAliveConnectionsDoNotCrowdOutNewClients() throws Exception {
        keepsAnsweringUnder(HostileClients.Kind.IDLE_KEEP_ALIVE, 1000);
    }

    @Test
    void bodiesTrickledAByteASecondDoNotHoldTheWorkers() throws Exception {
        keepsAnsweringUnder(HostileClients.Kind.TRICKLED_BODY, 256);
    }

    @Test
    void oversizedRequestLinesAndHeadersAreAnswered414And431WithoutHoldingTheWorkers() throws Exception {
        Map<String, Integer> answers = keepsAnsweringUnder(HostileClients.Kind.OVERSIZED, 2).answers();

        assertThat(answers.keySet()).as("every oversized request answered 414 or 431, none left waiting: %s", answers)
                .containsOnly("414", "431");
    }

    private HostileClients keepsAnsweringUnder(HostileClients.Kind kind, int count) throws Exception {
        HostileClients.requireFileDescriptors(2 * count + PATHS.size());
        List<Probe> alone = probe();
        List<Probe> loaded;
        String hostile;
        int held;
        HostileClients load = HostileClients.start(kind, port, count);
        try {
            loaded = probe();
            held = load.held();
            hostile = load.describe();
        } finally {
            load.close();
        }
        String summary = kind.label + ": alone " + describe(alone) + "; under load " + describe(loaded) + "; " + hostile;
        log.info(summary);
        if (kind != HostileClients.Kind.OVERSIZED) {
            assertThat(held).as("the load was held while the probes ran (not refused at once): %s", hostile).isPositive();
        }

        assertThat(loaded).as(summary).allSatisfy(p -> {
            assertThat(p.status()).as("%s: %s", p.path(), p.failure()).isEqualTo(usualStatus.get(p.path()));
            assertThat(Duration.ofNanos(p.nanos())).as("%s took", p.path()).isLessThan(STALL);
        });
        assertThat(median(loaded)).as(summary).isLessThan(10 * median(alone) + 50);
        assertThat(workerThreads()).as("the endpoint's threads stay bounded").isLessThanOrEqualTo(4 + 2);
        return load;
    }

    /** {@link #PROBES} well-behaved requests, one every {@link #PACE}, round the three paths. */
    private List<Probe> probe() {
        List<Probe> probes = new ArrayList<>();
        long next = System.nanoTime();
        for (int i = 0; i < PROBES; i++) {
            probes.add(Probe.get(port, PATHS.get(i % PATHS.size()), PROBE_TIMEOUT));
            next += PACE.toNanos();
            long wait;
            while ((wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
        }
        return probes;
    }

    private static double median(List<Probe> probes) {
        double[] millis = probes.stream().mapToDouble(Probe::millis).sorted().toArray();
        return millis[millis.length / 2];
    }

    private static String describe(List<Probe> probes) {
        double[] millis = probes.stream().mapToDouble(Probe::millis).sorted().toArray();
        long failed = probes.stream().filter(p -> !p.answered()).count();
        return String.format(java.util.Locale.ROOT, "median %.1f ms, max %.1f ms, %d failed", millis[millis.length / 2],
                Arrays.stream(millis).max().orElse(0), failed);
    }

    /** Threads of the endpoint's pool: {@code botops-http-<n>}, not the run-log reader or the timer. */
    private static long workerThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.matches("botops-http-\\d+")).collect(Collectors.counting());
    }
}
