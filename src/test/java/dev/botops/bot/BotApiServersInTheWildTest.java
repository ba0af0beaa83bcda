package dev.botops.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.Fault;
import dev.botops.bot.emulator.SentMessage;
import dev.botops.monitor.Severity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bot, with the real TelegramBots client, against Bot API servers that are not quite Telegram (the emulator's
 * fault modes): a reply whose 2xx answer cannot be read reaches the user once; start-up checks that fail do not
 * keep the bot from polling; only a rejected token and a missing getUpdates stop it; and the state and the log say
 * what the server answered instead of calling a server that answered "unreachable".
 */
class BotApiServersInTheWildTest {
    private static final long USER = 61;

    @RegisterExtension
    final BotFixture fixture = new BotFixture();

    @Test
    void aReplyWhoseAnswerIsUnreadableReachesTheUserOnceAndLaterRepliesStayInOrder() {
        fixture.emulator().always("sendMessage", Fault.truncatedAnswer());
        BotService bot = fixture.pollingBot("wild");
        try (CapturedLog log = new CapturedLog()) {
            List<String> replies = List.of(fixture.ask(USER, "/start"), fixture.ask(USER, "/price aapl"), fixture.ask(USER, "/buy AAPL 2"),
                    fixture.ask(USER, "/balance"), fixture.ask(USER, "/sell AAPL 1"));

            assertThat(replies).containsExactly("Welcome to paper trading, User61! You have $10,000.00 in virtual cash. Try /price AAPL, then /buy AAPL 1. "
                    + "/help lists every command.",
                    "AAPL: $190.00", "Bought 2 AAPL at $190.00 for $380.00. Cash left: $9,620.00.", "Cash: $9,620.00.",
                    "Sold 1 AAPL at $190.00 for $190.00. Cash now: $9,810.00.");
            // Once every answer is counted and nothing waits to be sent, no copy can follow.
            await().atMost(Duration.ofSeconds(30)).until(() -> bot.status().unreadableAnswers() == 5 && bot.status().sendQueue() == 0);
            assertThat(fixture.emulator().sentTo(USER)).extracting(SentMessage::text).containsExactlyElementsOf(replies);
            assertThat(fixture.emulator().calls("sendMessage")).isEqualTo(5);
            assertThat(bot.status().errors()).isZero();
            assertThat(bot.status().lastError()).startsWith("sendMessage answered HTTP 200 but the client could not read the answer")
                    .contains("{\"ok\":true,\"result\":{\"message_id\":").doesNotContain(BotHarness.TOKEN.value());
            assertThat(log.lines()).filteredOn(line -> line.contains("answer is unreadable")).hasSize(1).first().asString()
                    .startsWith("WARN Message to chat 61 was accepted but its answer is unreadable; it is not sent again")
                    .contains("HTTP 200").doesNotContain(BotHarness.TOKEN.value());
        }
    }

    @Test
    void startUpChecksThatFailDoNotKeepTheBotFromPollingAndAWebhookIsStillDeleted() {
        fixture.emulator().always("getMe", Fault.withoutField("first_name"));
        fixture.emulator().always("getWebhookInfo", Fault.notImplemented());
        fixture.emulator().setWebhookUrl("https://hooks.example.com/elsewhere");
        try (CapturedLog log = new CapturedLog()) {
            BotService bot = fixture.pollingBot("wild");

            assertThat(fixture.emulator().webhookUrl()).isEmpty();
            assertThat(fixture.ask(USER, "/price aapl")).isEqualTo("AAPL: $190.00");
            BotStatus status = bot.status();
            assertThat(status.state()).isEqualTo(BotState.POLLING);
            assertThat(status.reason()).startsWith("Polling Telegram; start-up checks incomplete: ")
                    .contains("getMe answered HTTP 200 but the client could not read the answer")
                    .contains("firstName is marked non-null but is null")
                    .contains("getWebhookInfo answered HTTP 500: Internal Server Error (deleting any webhook without looking)")
                    .doesNotContainIgnoringCase("unreachable");
            assertThat(status.unreadableAnswers()).isEqualTo(1);
            assertThat(status.lastError()).isEqualTo("getWebhookInfo answered HTTP 500: Internal Server Error");
            assertThat(log.lines()).anySatisfy(line -> assertThat(line).startsWith("WARN Start-up check failed, polling anyway: getMe answered HTTP 200")
                            .contains("{\"ok\":true,\"result\":{\"id\":7000001,\"is_bot\":true,\"username\":\"botops_sandbox_bot\"}}"))
                    .anySatisfy(line -> assertThat(line).startsWith("WARN Start-up check failed, polling anyway: getWebhookInfo answered HTTP 500"))
                    .noneSatisfy(line -> assertThat(line).containsIgnoringCase("unreachable"));
        }
        assertThat(fixture.emulator().calls("getMe")).isEqualTo(1);
        assertThat(fixture.emulator().calls("deleteWebhook")).isEqualTo(1);
    }

    @Test
    void aNotFoundOnGetMeAloneDoesNotStopPolling() {
        fixture.emulator().always("getMe", Fault.notFound());
        BotService bot = fixture.pollingBot("wild");

        assertThat(fixture.ask(USER, "/price msft")).isEqualTo("MSFT: $420.00");
        assertThat(bot.status().reason()).contains("getMe: [404] Not Found");
    }

    @Test
    void aRejectedTokenStopsTheBotBeforeItPollsAndSaysSo() {
        fixture.emulator().always("*", Fault.unauthorized());
        BotService bot = fixture.startBot("wild");

        await().atMost(Duration.ofSeconds(30)).until(() -> bot.status().state() == BotState.CONFLICT);
        assertThat(bot.status().reason()).isEqualTo("Polling stopped: Telegram rejected the bot token (getMe: [401] Unauthorized)");
        assertThat(fixture.alerts().active(FailurePolicy.TOKEN_RULE).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(fixture.emulator().calls("getMe")).isEqualTo(1);
        assertThat(fixture.emulator().calls("getUpdates")).isZero();
    }

    @Test
    void aServerWithoutGetUpdatesStopsTheBotAndSaysSoUntilTheOperatorRetries() {
        fixture.emulator().always("getUpdates", Fault.notFound());
        BotService bot = fixture.startBot("wild");

        await().atMost(Duration.ofSeconds(30)).until(() -> bot.status().state() == BotState.CONFLICT);
        assertThat(bot.status().reason()).isEqualTo("Polling stopped: the Bot API server has no getUpdates at bot.api-url "
                + "(getUpdates: [404] Not Found)");
        assertThat(fixture.alerts().active(FailurePolicy.NO_POLLING_RULE).severity()).isEqualTo(Severity.CRITICAL);
        assertThat(fixture.emulator().calls("getUpdates")).isEqualTo(1);

        fixture.emulator().clearFaults();
        bot.retry();

        assertThat(fixture.ask(USER, "/price aapl")).isEqualTo("AAPL: $190.00");
        assertThat(fixture.alerts().isActive(FailurePolicy.NO_POLLING_RULE)).isFalse();
    }

    @Test
    void aServerThatAnswersWithAnErrorPageIsNamedNotCalledUnreachable() {
        BotService bot = fixture.pollingBot("wild");
        fixture.emulator().always("getUpdates", Fault.answer(502, "text/html", "<html><body>Bad Gateway from the proxy</body></html>"));
        fixture.emulator().post(dev.botops.bot.emulator.UserMessage.privateChat(USER, "U", "/price aapl"));

        await().atMost(Duration.ofSeconds(30)).until(() -> bot.status().state() == BotState.BACKING_OFF);
        assertThat(bot.status().reason()).isEqualTo("getUpdates answered HTTP 502: <html><body>Bad Gateway from the proxy</body></html>; "
                + "retrying with backoff");
        fixture.emulator().clearFaults();
        // The next attempt comes after the backoff, which grows with each failed one.
        await().atMost(Duration.ofSeconds(60)).until(() -> fixture.emulator().sentTo(USER).size() == 1);
        assertThat(fixture.emulator().sentTo(USER).get(0).text()).isEqualTo("AAPL: $190.00");
    }

    @Test
    void unreachableIsSaidOnlyWhenNobodyAnswers() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        BotService bot = fixture.startBot("wild", config -> config.withApiUrl("http://127.0.0.1:" + closedPort));

        await().atMost(Duration.ofSeconds(30)).until(() -> bot.status().state() == BotState.BACKING_OFF);
        assertThat(bot.status().reason()).startsWith("Telegram unreachable (getMe: no answer (ConnectException: ")
                .endsWith("); retrying with backoff");
    }
}
