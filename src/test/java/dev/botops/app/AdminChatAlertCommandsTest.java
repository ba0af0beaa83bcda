package dev.botops.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.BotService;
import dev.botops.bot.BotState;
import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.SentMessage;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.monitor.AdminSql;
import dev.botops.monitor.Alert;
import dev.botops.monitor.Severity;
import dev.botops.monitor.Silence;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin chat's alert commands end to end: the app's bot against the Bot API emulator with the real client
 * library; admins list, acknowledge and silence alerts, other users are turned away.
 */
@ExtendWith(PostgresExtension.class)
class AdminChatAlertCommandsTest {
    private static final long ADMIN = 4242;
    private static final long STRANGER = 77;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static String replyTo(BotApiEmulator sandbox, long chat, String command, int before) {
        sandbox.post(UserMessage.privateChat(chat, chat == ADMIN ? "Alice" : "Mallory", command));
        await().atMost(WAIT).until(() -> replies(sandbox, chat).size() > before);
        return replies(sandbox, chat).get(before);
    }

    /** What the chat got, leaving out alert notifications (they start with their severity's icon). */
    private static List<String> replies(BotApiEmulator sandbox, long chat) {
        return sandbox.sentTo(chat).stream().map(SentMessage::text)
                .filter(t -> !t.startsWith("🔴") && !t.startsWith("🟠") && !t.startsWith("🔵") && !t.startsWith("⏰") && !t.startsWith("✅"))
                .toList();
    }

    @Test
    void adminsListAcknowledgeAndSilenceAlertsFromTheirChatAndOthersCannot(TestDatabase testDb) {
        new AdminSql(testDb.admin()).execute("DELETE FROM alerts", "DELETE FROM alert_silences");
        try (AppContext context = AppContext.start(testDb.settings(Map.of("bot.market-tick", "1h", "bot.admin-chats", String.valueOf(ADMIN),
                "http.enabled", "false")))) {
            context.startBackgroundServices();
            BotService bot = context.startBot(context.alerts());
            BotApiEmulator sandbox = context.sandbox().orElseThrow();
            await().atMost(WAIT).until(() -> bot.status().state() == BotState.POLLING);
            context.alerts().raise("maintenance-failed", Severity.WARNING, "Nightly cleanup failed", "Run botops maintenance");
            assertThat(context.alerts().flush(WAIT)).isTrue();
            long id = context.alerts().active("maintenance-failed").orElseThrow().id();

            String list = replyTo(sandbox, ADMIN, "/alerts", 0);
            String refused = replyTo(sandbox, STRANGER, "/ack " + id, 0);
            String ack = replyTo(sandbox, ADMIN, "/ack " + id, 1);
            String silence = replyTo(sandbox, ADMIN, "/silence dead-rows:* 2h", 2);
            String badDuration = replyTo(sandbox, ADMIN, "/silence storage forever", 3);
            String listAgain = replyTo(sandbox, ADMIN, "/alerts", 4);

            assertThat(list).contains(id + " WARNING maintenance-failed since").contains("Nightly cleanup failed")
                    .contains("Commands: /alerts, /ack ID, /silence RULE 2h, /unsilence RULE.");
            assertThat(refused).isEqualTo("That command is for the bot's admins only.");
            assertThat(ack).isEqualTo("Alert " + id + " (maintenance-failed) acknowledged by telegram:Alice (" + ADMIN
                    + "): its reminders stop; an escalation still goes out.");
            Alert acknowledged = context.alerts().active("maintenance-failed").orElseThrow();
            assertThat(acknowledged.acknowledgedBy()).isEqualTo("telegram:Alice (" + ADMIN + ")");
            assertThat(silence).startsWith("Deliveries for dead-rows:* are silenced until");
            assertThat(context.alerts().silences()).singleElement().satisfies(s -> {
                assertThat(s.rule()).isEqualTo("dead-rows:*");
                assertThat(s.silencedBy()).isEqualTo("telegram:Alice (" + ADMIN + ")");
                assertThat(s.until()).isAfter(Instant.now().plus(Duration.ofMinutes(119)));
            });
            assertThat(badDuration).startsWith("Invalid duration 'forever'");
            assertThat(listAgain).contains("acknowledged by telegram:Alice").contains("Silenced: dead-rows:* until");
            assertThat(replyTo(sandbox, ADMIN, "/unsilence dead-rows:*", 5)).contains("is lifted");
            assertThat(context.alerts().silences()).extracting(Silence::rule).isEmpty();
        }
    }
}
