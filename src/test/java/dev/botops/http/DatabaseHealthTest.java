package dev.botops.http;

import static dev.botops.http.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
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

/** /database/health: the detailed view in the Spring Boot Actuator shape. */
@ExtendWith(PostgresExtension.class)
class DatabaseHealthTest {
    private RunningApp app;

    @BeforeEach
    void start(TestDatabase testDb) {
        new AdminSql(testDb.admin()).execute("DELETE FROM alerts");
        app = RunningApp.start(testDb, Map.of()).awaitSnapshot();
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void databaseHealthHasActuatorComponentsWithSizeQuotaConnectionsAndTopTables() {
        HttpResponse<String> response = app.http.get("/database/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("status").asText()).isEqualTo("UP");
        JsonNode components = body.get("components");
        assertThat(components.fieldNames()).toIterable().containsExactly("db", "storage", "connections", "alerts", "maintenance", "bot");
        components.forEach(component -> assertThat(component.get("status").asText()).isEqualTo("UP"));
        assertThat(components.at("/db/details/database").asText()).contains(app.context.database().target().display());
        assertThat(components.at("/db/details/server/version").asText()).isNotBlank();
        JsonNode storage = components.at("/storage/details");
        assertThat(storage.get("sizeBytes").asLong()).isEqualTo(app.context.monitor().latest().orElseThrow().storage().databaseBytes());
        assertThat(storage.get("quotaBytes").asLong()).isEqualTo(10L << 30);
        assertThat(storage.get("topTables")).isNotEmpty().hasSizeLessThanOrEqualTo(10);
        assertThat(storage.get("topTables").get(0).get("totalBytes").asLong()).isPositive();
        assertThat(storage.get("forecast").get("outcome").asText()).isEqualTo("NOT_ENOUGH_DATA");
        JsonNode connections = components.at("/connections/details");
        assertThat(connections.get("ours").asInt()).isPositive();
        assertThat(connections.get("ours").asInt() + connections.get("others").asInt()).isEqualTo(connections.get("total").asInt());
        JsonNode byState = connections.get("byState");
        assertThat(byState.get("active").asInt() + byState.get("idle").asInt() + byState.get("idleInTransaction").asInt()
                + byState.get("other").asInt()).isEqualTo(connections.get("total").asInt());
        assertThat(components.at("/bot/details/state").asText()).isEqualTo("DISABLED");
    }

    @Test
    void activeAlertsAreListedWithTheirHintsAndSetTheComponentStatus() {
        app.context.alerts().raise("maintenance-failed", Severity.WARNING, "Nightly cleanup failed", "Run botops maintenance by hand");

        JsonNode body = json(app.http.get("/database/health"));

        assertThat(body.get("status").asText()).isEqualTo("WARN");
        assertThat(body.at("/components/maintenance/status").asText()).isEqualTo("WARN");
        assertThat(body.at("/components/storage/status").asText()).isEqualTo("UP");
        JsonNode alert = body.at("/components/alerts/details/active/0");
        assertThat(alert.get("rule").asText()).isEqualTo("maintenance-failed");
        assertThat(alert.get("severity").asText()).isEqualTo("WARNING");
        assertThat(alert.get("hint").asText()).isEqualTo("Run botops maintenance by hand");
    }

    @Test
    void finishedMaintenanceRunsAppearAmongTheLastRuns() throws Exception {
        StartResult started = app.context.maintenance().startCleanup(true, Trigger.MANUAL, "test");
        started.completion().get(60, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode run = json(app.http.get("/database/health")).at("/components/maintenance/details/lastRuns/0");
            assertThat(run.path("runId").asLong()).isEqualTo(started.runId());
            assertThat(run.get("outcome").asText()).isEqualTo("SUCCEEDED");
            assertThat(run.get("trigger").asText()).isEqualTo("MANUAL");
        });
    }
}
