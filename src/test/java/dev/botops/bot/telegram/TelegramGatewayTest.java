package dev.botops.bot.telegram;

import static dev.botops.bot.telegram.EmulatedGateway.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.EmulatorOptions;
import dev.botops.bot.emulator.Fault;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway against the emulator: its long polls, and how each answer of a Bot API server that is not quite
 * Telegram comes out of the real TelegramBots client (10.2.0 reads only the body, so a body it cannot map is
 * "Unable to deserialize response" whatever the status was): classified by what the server answered, named
 * with the HTTP status and the first bytes, the token masked.
 */
class TelegramGatewayTest {
    private static final BotToken TOKEN = new BotToken("515151:gateway-token-aaaaaaaaaaaaaaaaaaaaaaaaaa");

    @RegisterExtension
    final EmulatedGateway api = new EmulatedGateway(TOKEN, Duration.ofSeconds(50));

    @Test
    void aLongPollWhoseCallerIsInterruptedIsAbortedNotLeftOpen() {
        // Interrupted before the request is even sent: what a stopping loop meets when its stop() came just before
        // the call, too early for cancelPoll() to see it.
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> api.gateway().getUpdates(0, 100, Duration.ofSeconds(50))).isInstanceOf(InterruptedException.class);

        await().atMost(Duration.ofSeconds(5)).until(() -> api.gateway().runningPolls() == 0);
    }

    @Test
    void aSentMessageWhoseAnswerIsCutOffIsUnreadableNotFailed() {
        api.emulator().inject("sendMessage", Fault.truncatedAnswer());

        BotApiException e = failureOf(() -> api.gateway().sendMessage(42, "hello").get(10, TimeUnit.SECONDS));

        assertThat(e.kind()).isEqualTo(BotApiException.Kind.UNREADABLE);
        assertThat(e.transientFailure()).isFalse();
        assertThat(e.errorCode()).isEqualTo(200);
        assertThat(e.getMessage()).startsWith("sendMessage answered HTTP 200 but the client could not read the answer (")
                .contains(": {\"ok\":true,\"result\":{").doesNotContain(TOKEN.value());
        assertThat(api.emulator().sentTo(42)).hasSize(1);
    }

    @Test
    void aResultWithoutAFieldTheLibraryRequiresIsUnreadableAndSaysWhichField() {
        api.emulator().inject("getMe", Fault.withoutField("first_name"));

        BotApiException e = failureOf(api.gateway()::getMe);

        assertThat(e.kind()).isEqualTo(BotApiException.Kind.UNREADABLE);
        assertThat(e.getMessage()).startsWith("getMe answered HTTP 200 but the client could not read the answer (")
                .contains("`User`").contains("firstName is marked non-null but is null")
                .contains("{\"ok\":true,\"result\":{\"id\":7000001");
    }

    @Test
    void aMethodTheServerDoesNotImplementIsItsStatusAndBody() {
        api.emulator().always("getWebhookInfo", Fault.notImplemented());

        BotApiException e = failureOf(api.gateway()::webhookInfo);

        assertThat(e.kind()).isEqualTo(BotApiException.Kind.SERVER);
        assertThat(e.answered()).isTrue();
        assertThat(e.getMessage()).isEqualTo("getWebhookInfo answered HTTP 500: Internal Server Error");
        assertThat(failureOf(api.gateway()::webhookInfo).errorCode()).isEqualTo(500);
    }

    @Test
    void aRejectedTokenIsUnauthorizedOnEveryMethod() {
        api.emulator().always("*", Fault.unauthorized());

        assertThat(failureOf(api.gateway()::getMe).kind()).isEqualTo(BotApiException.Kind.UNAUTHORIZED);
        assertThat(failureOf(api.gateway()::webhookInfo).kind()).isEqualTo(BotApiException.Kind.UNAUTHORIZED);
        BotApiException poll = failureOf(() -> api.gateway().getUpdates(0, 1, Duration.ZERO));
        assertThat(poll.kind()).isEqualTo(BotApiException.Kind.UNAUTHORIZED);
        assertThat(poll.getMessage()).isEqualTo("getUpdates: [401] Unauthorized");
    }

    @Test
    void aServerWithoutGetUpdatesAnswersNotFoundFromTheFirstCall() throws Exception {
        EmulatorOptions withoutGetUpdates = EmulatorOptions.DEFAULTS.withStandingFault("getUpdates", Fault.notFound());
        try (BotApiEmulator server = BotApiEmulator.start(TOKEN.value(), withoutGetUpdates);
             TelegramGateway client = new TelegramGateway(TOKEN, server.baseUrl(), Duration.ofSeconds(5))) {
            BotApiException e = failureOf(() -> client.getUpdates(0, 1, Duration.ZERO));

            assertThat(e.kind()).isEqualTo(BotApiException.Kind.NOT_FOUND);
            assertThat(e.getMessage()).isEqualTo("getUpdates: [404] Not Found");
            assertThat(client.getMe().getUserName()).isEqualTo("botops_sandbox_bot");
        }
    }

    @Test
    void anyStatusAndBodyIsNamedWithTheTokenMasked() {
        api.emulator().inject("getUpdates", Fault.answer(418, "text/html", "<html>\n  <p>teapot at /bot" + TOKEN.value() + "/getUpdates</p>"));

        BotApiException e = failureOf(() -> api.gateway().getUpdates(0, 1, Duration.ZERO));

        assertThat(e.kind()).isEqualTo(BotApiException.Kind.REJECTED);
        assertThat(e.getMessage()).isEqualTo("getUpdates answered HTTP 418: <html> <p>teapot at /bot****/getUpdates</p>");
    }

    @Test
    void aLongAnswerIsCutForTheMessage() {
        api.emulator().inject("getMe", Fault.answer(502, "text/html", "x".repeat(5000)));

        BotApiException e = failureOf(api.gateway()::getMe);

        assertThat(e.getMessage()).isEqualTo("getMe answered HTTP 502: " + "x".repeat(100) + "…");
    }

    @Test
    void onlyNoAnswerAtAllIsANetworkFailure() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (TelegramGateway nowhere = new TelegramGateway(TOKEN, "http://127.0.0.1:" + closedPort, Duration.ofSeconds(5))) {
            BotApiException e = failureOf(nowhere::getMe);

            assertThat(e.kind()).isEqualTo(BotApiException.Kind.NETWORK);
            assertThat(e.answered()).isFalse();
            assertThat(e.getMessage()).startsWith("getMe: no answer (ConnectException: ").doesNotContain(TOKEN.value());
        }
    }
}
