package dev.botops.http;

import static dev.botops.http.HttpTestClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.botops.app.AppContext;
import dev.botops.config.SettingsLoader;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 5, acceptance 1 (DOWN): a private PostgreSQL this test stops; /health turns DOWN with 503 and says why. */
class HealthWhenTheDatabaseStopsTest {
    @TempDir
    Path dir;

    private EmbeddedPostgres server;
    private AppContext context;

    @AfterEach
    void stop() throws IOException {
        if (context != null) {
            context.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void healthIsDownWith503AndTheLastKnownFiguresStayInTheDetailsWhenTheDatabaseStops() throws IOException {
        server = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("pg")).setCleanDataDirectory(true).start();
        context = AppContext.start(SettingsLoader.fromProperties(Map.of(
                "database.url", "postgres://postgres@127.0.0.1:" + server.getPort() + "/postgres",
                "app.data-dir", dir.resolve("app").toString(), "http.port", "0", "bot.enabled", "false",
                "maintenance.scheduler-enabled", "false", "monitor.interval", "500ms", "database.connect-timeout", "1s",
                "database.retry.max-attempts", "2", "database.retry.max-duration", "2s")));
        context.startBackgroundServices();
        HttpTestClient http = new HttpTestClient(context.http().orElseThrow());
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/health").statusCode() == 200);

        server.close();
        server = null;

        await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/health").statusCode() == 503);
        HttpResponse<String> health = http.get("/health");
        JsonNode body = json(health);
        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.get("reasons").get(0).asText()).startsWith("The database cannot be reached");
        assertThat(body.get("summary").asText()).startsWith("DOWN: The database cannot be reached");
        JsonNode details = json(http.get("/database/health"));
        assertThat(details.at("/components/db/status").asText()).isEqualTo("DOWN");
        assertThat(details.at("/components/storage/details/lastKnown").asBoolean()).isTrue();
        assertThat(details.at("/components/storage/details/sizeBytes").asLong()).isPositive();
    }
}
