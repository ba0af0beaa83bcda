package dev.botops.channels;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.botops.channels.WebhookReceiver.Answer;
import dev.botops.monitor.Alert;
import dev.botops.monitor.Severity;
import dev.botops.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookChannelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant STARTED = Instant.parse("2026-03-01T10:00:00Z");
    private static final String TOKEN = "T0KEN-SECRET-9f8e7d";

    private WebhookReceiver receiver;

    @BeforeEach
    void start() throws IOException {
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private WebhookChannel channel(WebhookFormat format, String path) {
        return new WebhookChannel("ops", receiver.url(path), format, Severity.WARNING, Duration.ofSeconds(5));
    }

    private static Notification storageStart() {
        Alert alert = new Alert(42, "storage", Severity.CRITICAL, "The database uses 9.6 GB of the 10 GB storage quota (96.0 %).",
                "Run maintenance.", STARTED, STARTED, null);
        return new Notification(Notification.Kind.START, "42:start", alert, 0, "server-a", STARTED.plusSeconds(1));
    }

    private JsonNode onlyBody() throws IOException {
        assertThat(receiver.received()).hasSize(1);
        return JSON.readTree(receiver.received().get(0).body());
    }

    @Test
    void genericPayloadFollowsTheDocumentedSchema() throws IOException {
        SendResult result = channel(WebhookFormat.GENERIC, "/hooks/" + TOKEN).send(storageStart());

        assertThat(result.delivered()).isTrue();
        JsonNode body = onlyBody();
        assertThat(body.get("schema").asText()).isEqualTo("botops.alert.v1");
        assertThat(body.get("id").asText()).isEqualTo("42:start");
        assertThat(body.get("event").asText()).isEqualTo("start");
        JsonNode alert = body.get("alert");
        assertThat(alert.get("id").asLong()).isEqualTo(42);
        assertThat(alert.get("rule").asText()).isEqualTo("storage");
        assertThat(alert.get("severity").asText()).isEqualTo("CRITICAL");
        assertThat(alert.get("startedAt").asText()).isEqualTo("2026-03-01T10:00:00Z");
        assertThat(alert.get("resolvedAt").isNull()).isTrue();
        assertThat(alert.get("acknowledgedBy").isNull()).isTrue();
        assertThat(body.get("title").asText()).isEqualTo("[CRITICAL] storage: The database uses 9.6 GB of the 10 GB storage quota (96.0 %).");
        assertThat(body.get("text").asText()).contains("What to do: Run maintenance.");
        assertThat(body.get("instance").asText()).isEqualTo("server-a");
        assertThat(receiver.received().get(0).header("Content-Type")).startsWith("application/json");
        assertThat(receiver.received().get(0).header("Idempotency-Key")).isEqualTo("42:start");
    }

    @Test
    void slackPayloadIsTextWithAColouredAttachment() throws IOException {
        channel(WebhookFormat.SLACK, "/services/T000/B000/" + TOKEN).send(storageStart());

        JsonNode body = onlyBody();
        assertThat(body.get("text").asText()).startsWith("[CRITICAL] storage:");
        JsonNode attachment = body.get("attachments").get(0);
        assertThat(attachment.get("color").asText()).isEqualTo("#CF222E");
        assertThat(attachment.get("text").asText()).contains("What to do: Run maintenance.");
    }

    @Test
    void discordPayloadIsContentWithAnEmbedAndPingsNobody() throws IOException {
        channel(WebhookFormat.DISCORD, "/api/webhooks/123/" + TOKEN).send(storageStart());

        JsonNode body = onlyBody();
        assertThat(body.get("content").asText()).startsWith("[CRITICAL] storage:");
        JsonNode embed = body.get("embeds").get(0);
        assertThat(embed.get("color").asInt()).isEqualTo(0xCF222E);
        assertThat(embed.get("description").asText()).contains("What to do: Run maintenance.");
        assertThat(body.get("allowed_mentions").get("parse")).isEmpty();
    }

    @Test
    void ntfyPublishesJsonToTheServerRootWithTheTopicPriorityAndTags() throws IOException {
        channel(WebhookFormat.NTFY, "/botops-alerts-" + TOKEN).send(storageStart());

        assertThat(receiver.received().get(0).path()).isEqualTo("/");
        JsonNode body = onlyBody();
        assertThat(body.get("topic").asText()).isEqualTo("botops-alerts-" + TOKEN);
        assertThat(body.get("priority").asInt()).isEqualTo(5);
        assertThat(body.get("tags").get(0).asText()).isEqualTo("rotating_light");
        assertThat(body.get("title").asText()).startsWith("[CRITICAL] storage:");
    }

    @Test
    void aResolutionSaysResolvedAndLeavesOutTheHint() throws IOException {
        Notification start = storageStart();
        Alert resolved = new Alert(42, "storage", Severity.CRITICAL, start.alert().message(), "Run maintenance.", STARTED,
                STARTED.plusSeconds(600), STARTED.plusSeconds(600));
        channel(WebhookFormat.GENERIC, "/hooks/" + TOKEN).send(new Notification(Notification.Kind.RESOLUTION, "42:resolution",
                resolved, 0, "server-a", STARTED.plusSeconds(601)));

        JsonNode body = onlyBody();
        assertThat(body.get("event").asText()).isEqualTo("resolution");
        assertThat(body.get("title").asText()).startsWith("[RESOLVED] storage:");
        assertThat(body.get("text").asText()).doesNotContain("What to do").contains("resolved 2026-03-01 10:10 UTC");
        assertThat(body.get("alert").get("resolvedAt").asText()).isEqualTo("2026-03-01T10:10:00Z");
    }

    @Test
    void serverErrorIsRetriedAndTooManyRequestsWaitsAsLongAsTheReceiverAsks() {
        WebhookChannel channel = channel(WebhookFormat.GENERIC, "/hooks/" + TOKEN);
        receiver.answerNext(Answer.status(503, "busy"), Answer.retryAfter(429, "7"));

        SendResult unavailable = channel.send(storageStart());
        SendResult limited = channel.send(storageStart());

        assertThat(unavailable.outcome()).isEqualTo(SendResult.Outcome.RETRY);
        assertThat(unavailable.detail()).isEqualTo("HTTP 503 from the receiver: busy");
        assertThat(limited.outcome()).isEqualTo(SendResult.Outcome.RETRY);
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void clientErrorFailsForGoodWithTheReceiversWords() {
        receiver.answerNext(Answer.status(404, "no_service"));

        SendResult result = channel(WebhookFormat.SLACK, "/services/T000/B000/" + TOKEN).send(storageStart());

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.FAILED);
        assertThat(result.detail()).isEqualTo("HTTP 404 from the receiver: no_service");
    }

    @Test
    void noAnswerWithinTheTimeoutIsRetriedAndNeverShowsTheUrl() {
        receiver.answerNext(Answer.hanging());
        WebhookChannel channel = new WebhookChannel("ops", receiver.url("/hooks/" + TOKEN), WebhookFormat.GENERIC, Severity.WARNING,
                Duration.ofSeconds(1));

        SendResult result = channel.send(storageStart());

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.RETRY);
        assertThat(result.detail()).contains("no answer from the receiver").doesNotContain(TOKEN);
    }

    @Test
    void refusedConnectionIsRetriedAndTheDestinationShowsOnlyTheHost() {
        int closedPort = Ports.closed();
        WebhookChannel channel = new WebhookChannel("ops", URI.create("http://127.0.0.1:" + closedPort + "/hooks/" + TOKEN),
                WebhookFormat.GENERIC, Severity.WARNING, Duration.ofSeconds(2));

        SendResult result = channel.send(storageStart());

        assertThat(result.outcome()).isEqualTo(SendResult.Outcome.RETRY);
        assertThat(result.detail()).doesNotContain(TOKEN);
        assertThat(channel.destination()).isEqualTo("http://127.0.0.1:" + closedPort + "/****");
    }
}
