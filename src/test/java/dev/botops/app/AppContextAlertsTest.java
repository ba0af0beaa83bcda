package dev.botops.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.BotService;
import dev.botops.bot.BotState;
import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.channels.WebhookReceiver;
import dev.botops.monitor.Severity;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The composition root wires the one AlertService to the monitor, the bot's alerts and the admin chats. */
@ExtendWith(PostgresExtension.class)
class AppContextAlertsTest {
    @Test
    void alertRaisedThroughTheAppsAlertServiceReachesTheAdminChats(TestDatabase testDb) {
        try (AppContext context = AppContext.start(testDb.settings(Map.of("bot.market-tick", "1h", "bot.admin-chats", "4242")))) {
            context.startBackgroundServices();
            BotService bot = context.startBot(context.alerts());
            BotApiEmulator sandbox = context.sandbox().orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> bot.status().state() == BotState.POLLING);

            context.alerts().raise("maintenance-failed", Severity.WARNING, "Nightly cleanup failed", "Run botops maintenance");

            await().atMost(Duration.ofSeconds(10)).until(() -> !sandbox.sentTo(4242).isEmpty());
            assertThat(sandbox.sentTo(4242).get(0).text()).contains("Nightly cleanup failed");
        }
    }

    @Test
    void monitorRunsOnlyOnceTheBackgroundServicesStart(TestDatabase testDb) {
        try (AppContext context = AppContext.start(testDb.settings())) {
            assertThat(context.monitor().latest()).isEmpty();

            context.startBackgroundServices();

            await().atMost(Duration.ofSeconds(10)).until(() -> context.monitor().latest().isPresent());
            assertThat(context.monitor().latest().get().reachable()).isTrue();
        }
    }

    @Test
    void alertRaisedInTheAppReachesAConfiguredWebhookOnce(TestDatabase testDb) throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver();
             AppContext context = AppContext.start(testDb.settings(Map.of("bot.enabled", "false", "http.enabled", "false",
                     "alerts.webhook.ops.url", receiver.url("/hooks/ops").toString(), "alerts.webhook.ops.format", "slack")))) {
            context.startBackgroundServices();

            context.alerts().raise("webhook-check", Severity.WARNING, "Something to look at", "Look at it");

            await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.deliveredAt("/hooks/ops").isEmpty());
            assertThat(receiver.receivedAt("/hooks/ops").get(0).body()).contains("Something to look at");
            context.alerts().resolve("webhook-check");
            assertThat(context.alertDispatcher().channels().names()).containsExactly("ops");
        }
    }
}
