package dev.botops.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.botops.maintenance.Outcome;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code packaging/prometheus/botops-rules.yml}: valid for Prometheus ({@code promtool check rules}), its unit tests
 * pass ({@code promtool test rules}), and every series it reads is one that {@code /metrics} serves. promtool is
 * Debian's {@code prometheus} package; {@code .ci/run} installs it, and in CI a missing promtool fails the test.
 */
@ExtendWith(PostgresExtension.class)
class PrometheusRulesTest {
    private static final Path RULES = Path.of("packaging/prometheus/botops-rules.yml");
    private static final Path RULE_TESTS = Path.of("packaging/prometheus/botops-rules.test.yml");

    private static String promtool() {
        for (String candidate : List.of("/usr/bin/promtool", "/usr/local/bin/promtool")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        String message = "promtool is not installed (apt-get install -y prometheus): the Prometheus rules are not checked";
        if (System.getenv("CI") != null) {
            fail(message);
        }
        Assumptions.abort(message);
        return null;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(RULES.getParent().toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + "\n" + output).isZero();
        return output;
    }

    @Test
    void rulesPassPromtoolsCheckAndTheirUnitTests() throws Exception {
        String promtool = promtool();

        assertThat(run(promtool, "check", "rules", RULES.getFileName().toString())).contains("SUCCESS");
        assertThat(run(promtool, "test", "rules", RULE_TESTS.getFileName().toString())).contains("SUCCESS");
    }

    @Test
    void everySeriesTheRulesReadIsServedByMetrics(TestDatabase testDb) throws IOException {
        String rules = Files.readString(RULES);
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\bbotops_[a-z_]+\\b").matcher(rules);
        while (m.find()) {
            names.add(m.group());
        }
        names.remove("botops_rule");

        try (RunningApp app = RunningApp.start(testDb, Map.of("bot.enabled", "true", "bot.market-tick", "1h")).awaitSnapshot()) {
            PrometheusText metrics = PrometheusText.parse(app.http.get("/metrics").body());

            assertThat(metrics.types().keySet()).containsAll(names);
            assertThat(values(metrics, "botops_alerts_active", "severity")).contains("critical", "warning");
            assertThat(values(metrics, "botops_bot_state", "state")).contains("conflict");
        }
        List<String> outcomes = Arrays.stream(Outcome.values()).map(o -> o.name().toLowerCase(Locale.ROOT)).toList();
        assertThat(outcomes).as("outcome label of botops_maintenance_runs").contains("failed");
    }

    private static List<String> values(PrometheusText metrics, String name, String label) {
        return new ArrayList<>(metrics.samples().stream().filter(s -> s.name().equals(name)).map(s -> s.labels().get(label))
                .collect(Collectors.toCollection(TreeSet::new)));
    }
}
