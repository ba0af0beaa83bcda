package dev.botops.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.Fault;
import dev.botops.bot.emulator.FloodLimits;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.monitor.Severity;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What kills bots in production, end to end against the emulator: 409 storms, 429s, 5xx, drops, webhooks, stop. */
@ExtendWith(PostgresExtension.class)
class PollingResilienceTest {
    private TestDatabase testDb;
    private BotHarness harness;

    @BeforeEach
    void start(TestDatabase testDb) {
        this.testDb = testDb;
        harness = BotHarness.start(testDb, FloodLimits.TELEGRAM, Map.of());
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    private BotService pollingBot(Map<String, String> settings) {
        BotService bot = harness.startBot("resilience", config -> config);
        await().until(() -> bot.status().state() == BotState.POLLING && harness.emulator().openPolls() == 1);
        return bot;
    }

    @Test
    void aStormOf409sStopsPollingAndRaisesACriticalAlert() {
        BotService bot = pollingBot(Map.of());
        harness.emulator().inject("getUpdates", Fault.conflict(), 5);
        harness.emulator().post(UserMessage.privateChat(1, "A", "/help"));

        await().atMost(Duration.ofSeconds(20)).until(() -> bot.status().state() == BotState.CONFLICT);
        assertThat(bot.status().conflicts()).isEqualTo(5);
        assertThat(bot.status().reason()).contains("409 Conflict 5 times in a row");
        assertThat(harness.alerts.active(PollingLoop.CONFLICT_RULE).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(harness.alerts.active(PollingLoop.CONFLICT_RULE).message()).contains("Another process is polling with this bot token");
        int calls = harness.emulator().calls("getUpdates");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> harness.emulator().calls("getUpdates") == calls);
    }

    @Test
    void afterAConflictTheOperatorCanRetry() {
        BotService bot = pollingBot(Map.of());
        harness.emulator().inject("getUpdates", Fault.conflict(), 5);
        harness.emulator().post(UserMessage.privateChat(2, "B", "/start"));
        await().atMost(Duration.ofSeconds(20)).until(() -> bot.status().state() == BotState.CONFLICT);

        bot.retry();

        assertThat(harness.ask(2, "/balance")).isEqualTo("Cash: $10,000.00.");
        assertThat(bot.status().state()).isEqualTo(BotState.POLLING);
        assertThat(harness.alerts.isActive(PollingLoop.CONFLICT_RULE)).isFalse();
        assertThat(harness.alerts.events()).extracting(RecordingAlertSink.Event::raised).containsExactly(true, false);
    }

    @Test
    void retryAfterFromA429IsWaitedOut() {
        BotService bot = pollingBot(Map.of());
        List<BotStatus> seen = new CopyOnWriteArrayList<>();
        bot.addStatusListener(seen::add);
        harness.emulator().inject("getUpdates", Fault.tooManyRequests(Duration.ofSeconds(3)));
        harness.emulator().post(UserMessage.privateChat(3, "C", "/help"));
        await().until(() -> harness.emulator().pendingFaults("getUpdates") == 0);
        long rateLimitedAt = System.nanoTime();
        int callsAfter429 = harness.emulator().calls("getUpdates");

        await().atMost(Duration.ofSeconds(10)).until(() -> harness.emulator().calls("getUpdates") > callsAfter429);
        assertThat(Duration.ofNanos(System.nanoTime() - rateLimitedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
        assertThat(bot.status().rateLimited()).isEqualTo(1);
        assertThat(seen).anySatisfy(s -> {
            assertThat(s.state()).isEqualTo(BotState.BACKING_OFF);
            assertThat(s.reason()).contains("429").contains("waiting 3 s");
        });
        await().until(() -> bot.status().state() == BotState.POLLING);
    }

    @Test
    void serverErrorsAndDroppedConnectionsBackOffAndRecover() {
        BotService bot = pollingBot(Map.of());
        List<BotStatus> seen = new CopyOnWriteArrayList<>();
        bot.addStatusListener(seen::add);
        harness.emulator().inject("getUpdates", Fault.serverError(502));
        harness.emulator().inject("getUpdates", Fault.dropConnection(), 2);
        long errorsBefore = bot.status().errors();
        harness.emulator().post(UserMessage.privateChat(4, "D", "/start"));
        await().atMost(Duration.ofSeconds(30)).until(() -> harness.emulator().pendingFaults("getUpdates") == 0);

        assertThat(harness.ask(5, "/price BTC")).isEqualTo("BTC: $60,000.00");
        assertThat(bot.status().errors() - errorsBefore).isGreaterThanOrEqualTo(2);
        assertThat(seen).anySatisfy(s -> assertThat(s.state()).isEqualTo(BotState.BACKING_OFF));
        await().until(() -> bot.status().state() == BotState.POLLING);
    }

    @Test
    void aWebhookPresentAtStartIsRemovedAndReported() {
        harness.emulator().setWebhookUrl("https://hooks.example.com/secret-path/" + BotHarness.TOKEN.value());
        BotService bot = pollingBot(Map.of());

        assertThat(harness.emulator().webhookUrl()).isEmpty();
        RecordingAlertSink.Event raised = harness.alerts.events().get(0);
        assertThat(raised.ruleId()).isEqualTo(PollingLoop.WEBHOOK_RULE);
        assertThat(raised.severity()).isEqualTo(Severity.WARNING);
        assertThat(raised.message()).contains("https://hooks.example.com/…").contains("removed")
                .doesNotContain("secret-path").doesNotContain(BotHarness.TOKEN.value());
        assertThat(harness.ask(6, "/price msft")).isEqualTo("MSFT: $420.00");
        assertThat(bot.status().state()).isEqualTo(BotState.POLLING);
    }

    @Test
    void theRefusePolicyKeepsTheWebhookAndDoesNotPoll() {
        harness.emulator().setWebhookUrl("https://hooks.example.com/other");
        BotService bot = harness.startBot("refuser", config -> new BotConfig(config.token(), config.apiUrl(), config.instanceName(),
                config.adminChats(), config.leaseTtl(), dev.botops.config.ConfigKey.WebhookPolicy.REFUSE, config.conflictLimit(),
                config.startingBalance(), config.marketSeed(), config.marketTick(), config.pollTimeout(), config.conflictPause(),
                config.maxBackoff(), config.sendLimits(), config.alerts()));

        await().until(() -> bot.status().state() == BotState.CONFLICT);
        assertThat(bot.status().reason()).contains("webhook is set (https://hooks.example.com/…)").contains("refuse");
        assertThat(harness.emulator().webhookUrl()).isEqualTo("https://hooks.example.com/other");
        assertThat(harness.emulator().calls("getUpdates")).isZero();
        assertThat(harness.alerts.active(PollingLoop.WEBHOOK_RULE).severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void stopFinishesWithinFiveSecondsWhileALongPollIsOpenAndConfirmsTheOffset() throws SQLException {
        BotService bot = pollingBot(Map.of());
        assertThat(harness.ask(7, "/start")).startsWith("Welcome");
        long lastId = harness.emulator().post(UserMessage.privateChat(7, "G", "/balance"));
        await().until(() -> harness.emulator().sentTo(7).size() == 2);
        await().until(() -> harness.emulator().openPolls() == 1);

        long started = System.nanoTime();
        bot.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(bot.status().state()).isEqualTo(BotState.STOPPED);
        assertThat(harness.emulator().confirmedBelow()).isEqualTo(lastId + 1);
        assertThat(storedOffset()).isEqualTo(lastId + 1);
    }

    private long storedOffset() throws SQLException {
        try (Connection c = testDb.admin().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT next_offset FROM bot_offsets WHERE bot_id = 'bot:"
                     + BotHarness.TOKEN.id() + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
