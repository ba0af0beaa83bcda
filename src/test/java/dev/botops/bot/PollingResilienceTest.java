package dev.botops.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.Fault;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.monitor.Severity;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What kills bots in production, end to end against the emulator: 409 storms, 429s, 5xx, drops, webhooks, stop. */
class PollingResilienceTest {
    @RegisterExtension
    final BotFixture fixture = new BotFixture();

    @Test
    void aStormOf409sStopsPollingAndRaisesACriticalAlert() {
        BotService bot = fixture.pollingBot("resilience");
        fixture.emulator().inject("getUpdates", Fault.conflict(), 5);
        fixture.emulator().post(UserMessage.privateChat(1, "A", "/help"));

        await().atMost(Duration.ofSeconds(20)).until(() -> bot.status().state() == BotState.CONFLICT);
        assertThat(bot.status().conflicts()).isEqualTo(5);
        assertThat(bot.status().reason()).contains("409 Conflict 5 times in a row");
        assertThat(fixture.alerts().active(FailurePolicy.CONFLICT_RULE).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(fixture.alerts().active(FailurePolicy.CONFLICT_RULE).message()).contains("Another process is polling with this bot token");
        int calls = fixture.emulator().calls("getUpdates");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> fixture.emulator().calls("getUpdates") == calls);
    }

    @Test
    void afterAConflictTheOperatorCanRetry() {
        BotService bot = fixture.pollingBot("resilience");
        fixture.emulator().inject("getUpdates", Fault.conflict(), 5);
        fixture.emulator().post(UserMessage.privateChat(2, "B", "/start"));
        await().atMost(Duration.ofSeconds(20)).until(() -> bot.status().state() == BotState.CONFLICT);

        bot.retry();

        assertThat(fixture.ask(2, "/balance")).isEqualTo("Cash: $10,000.00.");
        assertThat(bot.status().state()).isEqualTo(BotState.POLLING);
        assertThat(fixture.alerts().isActive(FailurePolicy.CONFLICT_RULE)).isFalse();
        assertThat(fixture.alerts().events()).extracting(RecordingAlertSink.Event::raised).containsExactly(true, false);
    }

    @Test
    void retryAfterFromA429IsWaitedOut() {
        BotService bot = fixture.pollingBot("resilience");
        List<BotStatus> seen = new CopyOnWriteArrayList<>();
        bot.addStatusListener(seen::add);
        fixture.emulator().inject("getUpdates", Fault.tooManyRequests(Duration.ofSeconds(3)));
        fixture.emulator().post(UserMessage.privateChat(3, "C", "/help"));
        await().until(() -> fixture.emulator().pendingFaults("getUpdates") == 0);
        long rateLimitedAt = System.nanoTime();
        int callsAfter429 = fixture.emulator().calls("getUpdates");

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.emulator().calls("getUpdates") > callsAfter429);
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
        BotService bot = fixture.pollingBot("resilience");
        List<BotStatus> seen = new CopyOnWriteArrayList<>();
        bot.addStatusListener(seen::add);
        fixture.emulator().inject("getUpdates", Fault.serverError(502));
        fixture.emulator().inject("getUpdates", Fault.dropConnection(), 2);
        long errorsBefore = bot.status().errors();
        fixture.emulator().post(UserMessage.privateChat(4, "D", "/start"));
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.emulator().pendingFaults("getUpdates") == 0);

        assertThat(fixture.ask(5, "/price BTC")).isEqualTo("BTC: $60,000.00");
        assertThat(bot.status().errors() - errorsBefore).isGreaterThanOrEqualTo(2);
        assertThat(seen).anySatisfy(s -> assertThat(s.state()).isEqualTo(BotState.BACKING_OFF));
        await().until(() -> bot.status().state() == BotState.POLLING);
    }

    @Test
    void aWebhookPresentAtStartIsRemovedAndReported() {
        fixture.emulator().setWebhookUrl("https://hooks.example.com/secret-path/" + BotHarness.TOKEN.value());
        BotService bot = fixture.pollingBot("resilience");

        assertThat(fixture.emulator().webhookUrl()).isEmpty();
        RecordingAlertSink.Event raised = fixture.alerts().events().get(0);
        assertThat(raised.ruleId()).isEqualTo(FailurePolicy.WEBHOOK_RULE);
        assertThat(raised.severity()).isEqualTo(Severity.WARNING);
        assertThat(raised.message()).contains("https://hooks.example.com/…").contains("removed")
                .doesNotContain("secret-path").doesNotContain(BotHarness.TOKEN.value());
        assertThat(fixture.ask(6, "/price msft")).isEqualTo("MSFT: $420.00");
        assertThat(bot.status().state()).isEqualTo(BotState.POLLING);
    }

    @Test
    void theRefusePolicyKeepsTheWebhookAndDoesNotPoll() {
        fixture.emulator().setWebhookUrl("https://hooks.example.com/other");
        BotService bot = fixture.startBot("refuser", config -> new BotConfig(config.token(), config.apiUrl(), config.instanceName(),
                config.adminChats(), config.leaseTtl(), dev.botops.config.ConfigKey.WebhookPolicy.REFUSE, config.conflictLimit(),
                config.startingBalance(), config.marketSeed(), config.marketTick(), config.pollTimeout(), config.conflictPause(),
                config.maxBackoff(), config.sendLimits(), config.alerts()));

        await().until(() -> bot.status().state() == BotState.CONFLICT);
        assertThat(bot.status().reason()).contains("webhook is set (https://hooks.example.com/…)").contains("refuse");
        assertThat(fixture.emulator().webhookUrl()).isEqualTo("https://hooks.example.com/other");
        assertThat(fixture.emulator().calls("getUpdates")).isZero();
        assertThat(fixture.alerts().active(FailurePolicy.WEBHOOK_RULE).severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void stopFinishesWithinFiveSecondsWhileALongPollIsOpenAndConfirmsTheOffset() {
        BotService bot = fixture.pollingBot("resilience");
        assertThat(fixture.ask(7, "/start")).startsWith("Welcome");
        long lastId = fixture.emulator().post(UserMessage.privateChat(7, "G", "/balance"));
        await().until(() -> fixture.emulator().sentTo(7).size() == 2);
        await().until(() -> fixture.emulator().openPolls() == 1);

        long started = System.nanoTime();
        bot.close();
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(bot.status().state()).isEqualTo(BotState.STOPPED);
        assertThat(fixture.emulator().confirmedBelow()).isEqualTo(lastId + 1);
        assertThat(fixture.storedOffset()).isEqualTo(lastId + 1);
    }
}
