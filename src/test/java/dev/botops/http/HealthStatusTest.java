package dev.botops.http;

import static dev.botops.http.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.botops.app.AppContext;
import dev.botops.monitor.AdminSql;
import dev.botops.monitor.Severity;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue 5, acceptance 1: /health answers UP, WARN and DOWN with the right codes and a short summary. */
@ExtendWith(PostgresExtension.class)
class HealthStatusTest {
    private RunningApp app;

    @BeforeEach
    void forgetEarlierAlerts(TestDatabase testDb) {
        new AdminSql(testDb.admin()).execute("DELETE FROM alerts");
    }

    @AfterEach
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void healthIsUpWith200AndSaysSizeQuotaConnectionsBotSchedulerAndSnapshotTime(TestDatabase testDb) {
        app = RunningApp.start(testDb, Map.of("bot.enabled", "true", "bot.market-tick", "1h", "maintenance.scheduler-enabled", "true"))
                .awaitSnapshot();
        await().atMost(Duration.ofSeconds(30)).until(() -> json(app.http.get("/health")).get("bot").asText().equals("POLLING"));

        HttpResponse<String> response = app.http.get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.get("status").asText()).isEqualTo("UP");
        assertThat(body.get("reasons")).isEmpty();
        long size = new AdminSql(testDb.admin()).queryLong("SELECT pg_database_size(current_database())");
        assertThat(body.at("/database/sizeBytes").asLong()).isCloseTo(size, org.assertj.core.data.Percentage.withPercentage(20));
        assertThat(body.at("/database/quotaBytes").asLong()).isEqualTo(10L << 30);
        assertThat(body.at("/database/quotaPercent").asDouble()).isBetween(0.0, 1.0);
        assertThat(body.at("/connections/percent").asDouble()).isPositive();
        assertThat(body.get("scheduler").asText()).isEqualTo("RUNNING");
        assertThat(body.get("snapshotAt").asText()).isEqualTo(app.context.monitor().latest().orElseThrow().takenAt().toString());
        assertThat(body.get("summary").asText()).startsWith("UP: database ").contains("% of the 10 GB quota")
                .contains("bot POLLING").contains("scheduler RUNNING");
    }

    @Test
    void healthIsWarnWith200WhenTheDatabaseUsesMoreThan80PercentOfItsQuota(TestDatabase testDb) {
        long size = new AdminSql(testDb.admin()).queryLong("SELECT pg_database_size(current_database())");
        long quotaFor85Percent = size * 100 / 85;
        app = RunningApp.start(testDb, Map.of("limits.storage-quota", String.valueOf(quotaFor85Percent))).awaitSnapshot();

        await().atMost(Duration.ofSeconds(10)).until(() -> json(app.http.get("/health")).get("status").asText().equals("WARN"));
        HttpResponse<String> response = app.http.get("/health");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = json(response);
        assertThat(body.at("/database/quotaPercent").asDouble()).isBetween(80.0, 95.0);
        assertThat(body.get("reasons").get(0).asText()).startsWith("storage: The database uses");
        assertThat(body.get("summary").asText()).startsWith("WARN: ");
    }

    @Test
    void healthIsDownWith503WhenTheSnapshotIsOlderThanStaleAfter(TestDatabase testDb) {
        app = RunningApp.start(testDb, Map.of("monitor.interval", "1h", "monitor.stale-after", "1s")).awaitSnapshot();

        await().atMost(Duration.ofSeconds(10)).until(() -> app.http.get("/health").statusCode() == 503);
        JsonNode body = json(app.http.get("/health"));

        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.get("reasons").get(0).asText()).contains("older than monitor.stale-after (1s)");
        assertThat(body.get("summary").asText()).startsWith("DOWN: The latest database snapshot is");
        assertThat(body.get("snapshotAt").asText()).isEqualTo(app.context.monitor().latest().orElseThrow().takenAt().toString());
    }

    @Test
    void aCriticalAlertMakesHealthDownWith503AndNamesIt(TestDatabase testDb) {
        app = RunningApp.start(testDb, Map.of()).awaitSnapshot();

        app.context.alerts().raise("bot-conflict", Severity.CRITICAL, "Another poller uses this bot token", "Stop the other copy");
        HttpResponse<String> response = app.http.get("/health");

        assertThat(response.statusCode()).isEqualTo(503);
        JsonNode body = json(response);
        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.get("reasons").get(0).asText()).isEqualTo("bot-conflict: Another poller uses this bot token");
        assertThat(body.get("database")).as("the figures are current and shown").isNotNull();
    }

    @Test
    void healthIsDownWith503BeforeTheFirstSnapshot(TestDatabase testDb) throws Exception {
        try (AppContext context = AppContext.start(testDb.settings(Map.of("bot.enabled", "false")));
             HealthEndpoint endpoint = HealthEndpoint.start(context.settings(), new HealthSources(context.monitor(), context.alerts(),
                     context.maintenance(), context::bot, false, "test database", context.schemaVersion()), Clock.systemUTC())) {
            HttpResponse<String> response = new HttpTestClient(endpoint).get("/health");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(json(response).get("reasons").get(0).asText()).isEqualTo("No database snapshot yet: the monitor has not run.");
        }
    }

    @Test
    void headHealthAnswersTheStatusCodeWithoutABody(TestDatabase testDb) {
        app = RunningApp.start(testDb, Map.of()).awaitSnapshot();

        HttpResponse<String> head = app.http.send(app.http.request("/health").method("HEAD", HttpRequest.BodyPublishers.noBody()));

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValueAsLong("Content-Length")).hasValue(app.http.get("/health").body().length());
    }
}
