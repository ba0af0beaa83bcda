package dev.botops.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.config.SettingsLoader;
import dev.botops.monitor.AdminSql;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint under load on loopback, as {@code serve} runs it (monitor every 5 s, the bot on the sandbox Bot
 * API, so the sandbox's HTTP server starts before the endpoint's): requests per second at saturation and
 * p50/p99 latency at a fixed 1,000 requests/s (open loop, keep-alive) for /health, /database/health and
 * /metrics, side by side in one run, and the database sessions the app opened meanwhile.
 * Run: {@code mvn -B verify -Pbenchmarks -Dtest=HttpBenchmark -Dsurefire.failIfNoSpecifiedTests=false};
 * the figures go to {@code target/benchmarks/http.md} and the log.
 */
@Tag("benchmark")
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpBenchmark {
    private static final Logger log = LoggerFactory.getLogger(HttpBenchmark.class);
    private static final List<String> PATHS = List.of("/health", "/database/health", "/metrics");
    private static final double SATURATION_SECONDS = Double.parseDouble(System.getProperty("bench.saturation.seconds", "8"));
    private static final double OPEN_LOOP_SECONDS = Double.parseDouble(System.getProperty("bench.openloop.seconds", "15"));
    private static final int SATURATION_CONNECTIONS = 4;
    private static final int OPEN_LOOP_CONNECTIONS = 8;
    private static final int RATE = 1000;

    private TestDatabase testDb;
    private RunningApp app;
    private final List<String> report = new ArrayList<>();

    @BeforeAll
    void start(TestDatabase testDb) {
        this.testDb = testDb;
        new AdminSql(testDb.admin()).execute("DELETE FROM alerts");
        app = RunningApp.start(testDb, Map.of("bot.enabled", "true", "bot.market-tick", "1h")).awaitSnapshot();
    }

    @AfterAll
    void stop() throws IOException {
        app.close();
        Path out = Path.of("target", "benchmarks", "http.md");
        Files.createDirectories(out.getParent());
        Files.write(out, report);
        log.info("HTTP benchmark figures:\n{}", String.join("\n", report));
    }

    @Test
    void healthDatabaseHealthAndMetricsUnderLoad() throws Exception {
        int port = app.endpoint().port();
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        for (String path : PATHS) {
            LoopbackLoad.saturate(port, path, SATURATION_CONNECTIONS, 2); // warm-up: JIT, memoised bodies
        }
        report.add(String.format(Locale.ROOT, "Load average before: %.2f; %d saturation connections, %d open-loop connections",
                loadBefore, SATURATION_CONNECTIONS, OPEN_LOOP_CONNECTIONS));
        report.add("");
        report.add("| endpoint | saturation req/s | (p50 / p99 ms at saturation) | 1,000 req/s: p50 ms | p99 ms | max ms "
                + "| p99 / max ms from the actual send | errors | app sessions opened |");
        report.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        try (HttpEndpoint baseline = baseline()) {
            measure("baseline: `/ping`, a constant body on the same server plumbing, in the same JVM", baseline.port(), "/ping");
        }
        for (String path : PATHS) {
            measure("`" + path + "`", port, path);
        }
        report.add("");
        report.add(String.format(Locale.ROOT, "Load average after: %.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    }

    /** The plumbing alone (routing, limits, the JDK server with its tuning) answering a constant: what the machine gives. */
    private static HttpEndpoint baseline() throws IOException {
        HttpEndpoint.Routes routes = new HttpEndpoint.Routes();
        byte[] pong = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
        routes.add("/ping").on("GET", r -> Response.json(200, pong));
        return new HttpEndpoint(InetAddress.getLoopbackAddress(), 0, HttpLimits.of(SettingsLoader.fromProperties(Map.of())), routes.build(), HttpJson.MAPPER);
    }

    private void measure(String name, int port, String path) throws Exception {
        Timestamp phaseStart = AppSessions.serverNow(testDb.admin());
        LoopbackLoad.Result saturated = LoopbackLoad.saturate(port, path, SATURATION_CONNECTIONS, SATURATION_SECONDS);
        LoopbackLoad.Result paced = LoopbackLoad.openLoop(port, path, RATE, OPEN_LOOP_CONNECTIONS, OPEN_LOOP_SECONDS);
        List<String> opened = AppSessions.startedSince(testDb.admin(), phaseStart);
        String row = String.format(Locale.ROOT, "| %s | %,.0f | %.2f / %.2f | %.2f | %.2f | %.2f | %.2f / %.2f | %d | %d%s |", name,
                saturated.perSecond(), saturated.percentileMillis(50), saturated.percentileMillis(99),
                paced.percentileMillis(50), paced.percentileMillis(99), paced.percentileMillis(100),
                paced.servicePercentileMillis(99), paced.servicePercentileMillis(100),
                saturated.errors() + paced.errors(), opened.size(), opened.isEmpty() ? "" : " " + opened);
        report.add(row);
        log.info(row);
        assertThat(saturated.errors() + paced.errors()).as("5xx answers on %s", path).isZero();
    }
}
