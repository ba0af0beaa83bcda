package dev.botops.http;

import static dev.botops.http.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.botops.maintenance.StartResult;
import dev.botops.maintenance.Trigger;
import dev.botops.monitor.AdminSql;
import dev.botops.monitor.Severity;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue 5, acceptance 5: /metrics is valid Prometheus text, produced by the official client, and agrees with /database/health. */
@ExtendWith(PostgresExtension.class)
class MetricsEndpointTest {
    private RunningApp app;

    @BeforeEach
    void start(TestDatabase testDb) {
        new AdminSql(testDb.admin()).execute("DELETE FROM alerts");
        // One snapshot, then none: both endpoints describe the same one.
        app = RunningApp.start(testDb, Map.of("monitor.interval", "1h", "monitor.stale-after", "1h", "bot.enabled", "true",
                "bot.market-tick", "1h")).awaitSnapshot();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void metricsParseStrictlyAsPrometheusTextFormat() {
        HttpResponse<String> response = app.http.get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        PrometheusText metrics = PrometheusText.parse(response.body());
        assertThat(metrics.types()).containsEntry("botops_database_size_bytes", "gauge")
                .containsEntry("botops_database_quota_bytes", "gauge")
                .containsEntry("botops_database_connections", "gauge")
                .containsEntry("botops_database_connections_by_owner", "gauge")
                .containsEntry("botops_table_size_bytes", "gauge")
                .containsEntry("botops_table_dead_rows", "gauge")
                .containsEntry("botops_alerts_active", "gauge")
                .containsEntry("botops_maintenance_runs", "gauge")
                .containsEntry("botops_maintenance_last_run_duration_seconds", "gauge")
                .containsEntry("botops_maintenance_last_run_rows_deleted", "gauge")
                .containsEntry("botops_bot_updates_total", "counter")
                .containsEntry("botops_bot_errors_total", "counter")
                .containsEntry("botops_bot_conflicts_total", "counter")
                .containsEntry("botops_bot_rate_limited_total", "counter")
                .containsEntry("botops_bot_unreadable_answers_total", "counter")
                .containsEntry("botops_bot_state", "gauge")
                .containsEntry("botops_health_status", "gauge");
        assertThat(metrics.value("botops_health_status", "status", "UP")).isEqualTo(1);
    }

    @Test
    void metricValuesMatchDatabaseHealth() throws Exception {
        app.context.alerts().raise("maintenance-failed", Severity.WARNING, "Nightly cleanup failed", "Run it by hand");
        StartResult run = app.context.maintenance().startCleanup(true, Trigger.MANUAL, "test");
        run.completion().get(60, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(15)).until(() ->
                json(app.http.get("/database/health")).at("/components/maintenance/details/lastRuns/0/runId").asLong() == run.runId());

        JsonNode health = json(app.http.get("/database/health")).get("components");
        PrometheusText metrics = PrometheusText.parse(app.http.get("/metrics").body());

        JsonNode storage = health.at("/storage/details");
        assertThat(metrics.value("botops_database_size_bytes")).isEqualTo(storage.get("sizeBytes").asDouble());
        assertThat(metrics.value("botops_database_quota_bytes")).isEqualTo(storage.get("quotaBytes").asDouble());
        JsonNode connections = health.at("/connections/details");
        assertThat(metrics.value("botops_database_connections", "state", "active")).isEqualTo(connections.at("/byState/active").asDouble());
        assertThat(metrics.value("botops_database_connections", "state", "idle")).isEqualTo(connections.at("/byState/idle").asDouble());
        assertThat(metrics.value("botops_database_connections", "state", "idle_in_transaction"))
                .isEqualTo(connections.at("/byState/idleInTransaction").asDouble());
        assertThat(metrics.value("botops_database_connections_by_owner", "owner", "ours")).isEqualTo(connections.get("ours").asDouble());
        assertThat(metrics.value("botops_database_connections_by_owner", "owner", "others")).isEqualTo(connections.get("others").asDouble());
        for (JsonNode table : storage.get("topTables")) {
            String[] name = table.get("table").asText().split("\\.", 2);
            assertThat(metrics.value("botops_table_size_bytes", "schema", name[0], "table", name[1])).isEqualTo(table.get("totalBytes").asDouble());
            assertThat(metrics.value("botops_table_dead_rows", "schema", name[0], "table", name[1])).isEqualTo(table.get("deadRows").asDouble());
        }
        assertThat(metrics.value("botops_alerts_active", "severity", "warning")).isEqualTo(health.at("/alerts/details/active").size());
        assertThat(metrics.value("botops_alerts_active", "severity", "critical")).isZero();
        JsonNode lastRun = health.at("/maintenance/details/lastRuns/0");
        assertThat(metrics.value("botops_maintenance_last_run_rows_deleted")).isEqualTo(lastRun.get("rowsDeleted").asDouble());
        assertThat(metrics.value("botops_maintenance_runs", "outcome", "succeeded")).isGreaterThanOrEqualTo(1);
        JsonNode bot = health.at("/bot/details");
        assertThat(metrics.value("botops_bot_updates_total")).isEqualTo(bot.get("updatesProcessed").asDouble());
        assertThat(metrics.value("botops_bot_conflicts_total")).isEqualTo(bot.get("conflicts409").asDouble());
        assertThat(metrics.value("botops_bot_rate_limited_total")).isEqualTo(bot.get("rateLimited429").asDouble());
        assertThat(metrics.value("botops_bot_unreadable_answers_total")).isEqualTo(bot.get("unreadableAnswers").asDouble());
        assertThat(metrics.value("botops_bot_state", "state", bot.get("state").asText().toLowerCase())).isEqualTo(1);
        assertThat(metrics.value("botops_health_status", "status", "WARN")).isEqualTo(1);
    }

    @Test
    void theStrictParserRejectsWhatPrometheusWouldReject() {
        assertThatThrownBy(() -> PrometheusText.parse("x 1")).hasMessageContaining("newline");
        assertThatThrownBy(() -> PrometheusText.parse("x 1\n")).hasMessageContaining("before the TYPE");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=\"1\" 2\n")).hasMessageContaining("not valid");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx one\n")).hasMessageContaining("not a float");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=\"\\q\"} 1\n")).hasMessageContaining("malformed labels");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx 1\nx 2\n")).hasMessageContaining("duplicate series");
        assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\n# TYPE y gauge\ny 1\nx 1\n")).hasMessageContaining("split");
        assertThat(PrometheusText.parse("# HELP x a \\\\ b\n# TYPE x gauge\nx{a=\"q\\\"\",b=\"\"} +Inf 1700000000000\n").value("x", "a", "q\"", "b", ""))
                .isInfinite();
    }
}
