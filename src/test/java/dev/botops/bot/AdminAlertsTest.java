package dev.botops.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.Fault;
import dev.botops.bot.emulator.SentMessage;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.monitor.Alert;
import dev.botops.monitor.Severity;
import dev.botops.monitor.Silence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Alerts reach the admin chats: raised, reminded, resolved, rate limited, and ahead of user traffic. */
class AdminAlertsTest {
    private static final long ADMIN_1 = 900;
    private static final long ADMIN_2 = 901;

    @RegisterExtension
    final BotFixture fixture = new BotFixture(Map.of("bot.admin-chats", ADMIN_1 + "," + ADMIN_2));

    private BotService botWith(BotConfig.AlertPolicy policy) {
        BotService bot = fixture.startBot("alerts", c -> c.withAlerts(policy));
        fixture.alerts().addListener(bot.adminAlerts());
        await().until(() -> bot.status().state() == BotState.POLLING);
        return bot;
    }

    private List<String> adminTexts(long chat) {
        List<String> texts = new ArrayList<>();
        for (SentMessage m : fixture.emulator().sentTo(chat)) {
            texts.add(m.text());
        }
        return texts;
    }

    @Test
    void aRaisedAlertReachesEveryAdminChat() {
        botWith(new BotConfig.AlertPolicy(Duration.ofHours(6), Duration.ofMinutes(1), 20));
        fixture.alerts().raise("storage", Severity.CRITICAL, "Storage at 96% of the quota.", "Run a cleanup now.");

        await().until(() -> adminTexts(ADMIN_1).size() == 1 && adminTexts(ADMIN_2).size() == 1);
        assertThat(adminTexts(ADMIN_1)).containsExactly("🔴 CRITICAL: Storage at 96% of the quota.\nRun a cleanup now.");
        assertThat(adminTexts(ADMIN_2)).isEqualTo(adminTexts(ADMIN_1));
    }

    @Test
    void anActiveAlertIsRemindedUntilItIsResolved() {
        botWith(new BotConfig.AlertPolicy(Duration.ofSeconds(2), Duration.ofMillis(200), 20));
        fixture.alerts().raise("connections", Severity.WARNING, "Connections at 85% of the limit.", "");
        await().atMost(Duration.ofSeconds(5)).until(() -> adminTexts(ADMIN_1).size() == 2);
        assertThat(adminTexts(ADMIN_1).get(1)).matches("⏰ Still active since \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC: "
                + "🟠 WARNING: Connections at 85% of the limit\\.");

        fixture.alerts().resolve("connections");

        await().until(() -> adminTexts(ADMIN_1).size() == 3);
        assertThat(adminTexts(ADMIN_1).get(2)).isEqualTo("✅ Resolved: Connections at 85% of the limit.");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(8)).until(() -> adminTexts(ADMIN_1).size() == 3);
    }

    @Test
    void anAcknowledgedAlertIsNoLongerReminded() {
        BotService bot = botWith(new BotConfig.AlertPolicy(Duration.ofSeconds(2), Duration.ofMillis(200), 20));
        fixture.alerts().raise("connections", Severity.WARNING, "Connections at 85% of the limit.", "");
        await().until(() -> adminTexts(ADMIN_1).size() == 1);

        Alert raised = fixture.alerts().active("connections");
        bot.adminAlerts().acknowledged(raised.withAcknowledgement("alice", Instant.now()));

        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> adminTexts(ADMIN_1).size() == 1);
        fixture.alerts().resolve("connections");
        await().until(() -> adminTexts(ADMIN_1).size() == 2);
        assertThat(adminTexts(ADMIN_1).get(1)).isEqualTo("✅ Resolved: Connections at 85% of the limit.");
    }

    @Test
    void aSilencedRulesMessagesWaitUntilTheSilenceEnds() {
        BotService bot = botWith(new BotConfig.AlertPolicy(Duration.ofHours(6), Duration.ofMillis(200), 20));
        Instant until = Instant.now().plusSeconds(8);
        bot.adminAlerts().silencesChanged(List.of(new Silence("stor*", until, "alice", Instant.now())));

        fixture.alerts().raise("storage", Severity.CRITICAL, "Storage at 96% of the quota.", "");

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> adminTexts(ADMIN_1).isEmpty());
        await().atMost(Duration.ofSeconds(20)).until(() -> adminTexts(ADMIN_1).size() == 1);
        assertThat(adminTexts(ADMIN_1).get(0)).startsWith("🔴 CRITICAL: Storage at 96%");
        assertThat(Instant.now()).isAfterOrEqualTo(until);
    }

    @Test
    void aFlappingAlertIsCoalescedToItsLatestState() {
        botWith(new BotConfig.AlertPolicy(Duration.ofHours(6), Duration.ofSeconds(3), 20));
        fixture.alerts().raise("dead-rows", Severity.WARNING, "Dead rows at 25%.", "");
        await().until(() -> adminTexts(ADMIN_1).size() == 1);
        for (int i = 0; i < 4; i++) {
            fixture.alerts().resolve("dead-rows");
            fixture.alerts().raise("dead-rows", Severity.WARNING, "Dead rows at 25%.", "");
        }
        fixture.alerts().resolve("dead-rows");

        await().during(Duration.ofMillis(1500)).atMost(Duration.ofMillis(6500)).until(() -> adminTexts(ADMIN_1).size() == 1);
        await().atMost(Duration.ofSeconds(6)).until(() -> adminTexts(ADMIN_1).size() == 2);
        assertThat(adminTexts(ADMIN_1)).containsExactly("🟠 WARNING: Dead rows at 25%.", "✅ Resolved: Dead rows at 25%.");
    }

    @Test
    void theOverallAlertBudgetHoldsBackMessagesBeyondIt() {
        botWith(new BotConfig.AlertPolicy(Duration.ofHours(6), Duration.ofMillis(100), 2));
        for (int i = 1; i <= 4; i++) {
            fixture.alerts().raise("rule-" + i, Severity.INFO, "Alert " + i + ".", "");
        }
        await().until(() -> adminTexts(ADMIN_1).size() == 2);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(7)).until(() -> adminTexts(ADMIN_1).size() == 2);
        assertThat(adminTexts(ADMIN_1)).containsExactly("🔵 INFO: Alert 1.", "🔵 INFO: Alert 2.");
    }

    @Test
    void aConflictStormAlertReachesTheAdmins() {
        BotService bot = botWith(new BotConfig.AlertPolicy(Duration.ofHours(6), Duration.ofMinutes(1), 20));
        await().until(() -> fixture.emulator().openPolls() == 1);
        fixture.emulator().inject("getUpdates", Fault.conflict(), 5);
        fixture.emulator().post(UserMessage.privateChat(1, "A", "/help"));

        await().atMost(Duration.ofSeconds(20)).until(() -> bot.status().state() == BotState.CONFLICT && adminTexts(ADMIN_1).size() == 1);
        assertThat(adminTexts(ADMIN_1).get(0)).startsWith("🔴 CRITICAL: Polling stopped: Telegram answered 409 Conflict 5 times in a row.");
    }

    @Test
    void alertsAreNotQueuedBehindUserTraffic() {
        botWith(new BotConfig.AlertPolicy(Duration.ofHours(6), Duration.ofMinutes(1), 20));
        List<UserMessage> crowd = new ArrayList<>();
        for (int user = 2000; user < 2300; user++) {
            crowd.add(UserMessage.privateChat(user, "U", "/help"));
        }
        fixture.emulator().postAll(crowd);
        await().until(() -> fixture.emulator().sent().size() >= 30);

        int repliedBefore = fixture.emulator().sent().size();
        fixture.alerts().raise("storage", Severity.CRITICAL, "Storage at 97% of the quota.", "");
        await().atMost(Duration.ofSeconds(30)).until(() -> adminTexts(ADMIN_1).size() == 1);

        // The replies drain at Telegram's 30 messages/s, so 300 of them take 10 s: an alert queued behind them
        // would go out after the last. It went out next, ahead of most of them.
        List<SentMessage> sent = fixture.emulator().sent();
        int alertAt = 0;
        while (sent.get(alertAt).chatId() != ADMIN_1) {
            alertAt++;
        }
        assertThat(alertAt - repliedBefore).as("user replies sent between the alert being raised and sent").isLessThan(crowd.size() / 4);
        // Every user answered, and the alert sent once to each of the two admin chats.
        await().atMost(Duration.ofSeconds(60)).until(() -> fixture.emulator().sent().stream()
                .filter(m -> m.chatId() != ADMIN_1 && m.chatId() != ADMIN_2).count() == crowd.size());
        assertThat(adminTexts(ADMIN_1)).hasSize(1);
        assertThat(adminTexts(ADMIN_2)).hasSize(1);
        assertThat(fixture.emulator().floodRejections()).isZero();
    }
}
