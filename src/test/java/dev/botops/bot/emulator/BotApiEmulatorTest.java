package dev.botops.bot.emulator;

import static dev.botops.bot.telegram.EmulatedGateway.failureOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.botops.bot.telegram.BotApiException;
import dev.botops.bot.telegram.BotToken;
import dev.botops.bot.telegram.EmulatedGateway;
import dev.botops.bot.telegram.TelegramGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.telegram.telegrambots.meta.api.objects.Update;

/** The emulator, driven by the real TelegramBots client. */
class BotApiEmulatorTest {
    private static final BotToken TOKEN = new BotToken("123456:test-token-for-the-emulator-000000000");

    @RegisterExtension
    final EmulatedGateway api = new EmulatedGateway(TOKEN, Duration.ofSeconds(5));
    private BotApiEmulator emulator;
    private TelegramGateway gateway;

    @BeforeEach
    void start() {
        emulator = api.emulator();
        gateway = api.gateway();
    }

    @Test
    void getMeAnswersWithTheBotsIdentity() throws Exception {
        assertThat(gateway.getMe().getUserName()).isEqualTo("botops_sandbox_bot");
    }

    @Test
    void aWrongTokenIsUnauthorized() {
        try (TelegramGateway wrong = new TelegramGateway(new BotToken("999:wrong"), emulator.baseUrl(), Duration.ofSeconds(5))) {
            assertThatThrownBy(wrong::getMe).isInstanceOf(BotApiException.class)
                    .satisfies(e -> assertThat(((BotApiException) e).kind()).isEqualTo(BotApiException.Kind.UNAUTHORIZED));
        }
    }

    @Test
    void longPollReturnsAsSoonAsAUserWrites() throws Exception {
        CompletableFuture<List<Update>> poll = CompletableFuture.supplyAsync(() -> poll(0, 30));
        org.awaitility.Awaitility.await().until(() -> emulator.openPolls() == 1);
        long id = emulator.post(UserMessage.privateChat(42, "Ada", "/start"));
        List<Update> updates = poll.get(5, TimeUnit.SECONDS);
        assertThat(updates).extracting(u -> (long) u.getUpdateId()).containsExactly(id);
        assertThat(updates.get(0).getMessage().getText()).isEqualTo("/start");
        assertThat(updates.get(0).getMessage().getFrom().getId()).isEqualTo(42L);
    }

    @Test
    void anOffsetConfirmsEverythingBelowIt() throws Exception {
        List<Long> ids = emulator.postAll(List.of(UserMessage.privateChat(1, "A", "one"), UserMessage.privateChat(1, "A", "two"),
                UserMessage.privateChat(1, "A", "three")));
        assertThat(poll(0, 0)).hasSize(3);
        assertThat(gateway.getUpdates(ids.get(1), 1, Duration.ZERO)).extracting(u -> (long) u.getUpdateId()).containsExactly(ids.get(1));
        assertThat(emulator.pendingUpdates()).isEqualTo(2);
        assertThat(emulator.confirmedBelow()).isEqualTo(ids.get(1));
    }

    @Test
    void awaitNoPendingUpdatesReturnsOnceTheBotConfirmsThem() throws Exception {
        List<Long> ids = emulator.postAll(List.of(UserMessage.privateChat(1, "A", "one"), UserMessage.privateChat(1, "A", "two")));
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
            try {
                return emulator.awaitNoPendingUpdates(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        assertThat(poll(0, 0)).hasSize(2);
        assertThat(drained).isNotDone();

        gateway.getUpdates(ids.get(1) + 1, 100, Duration.ZERO);

        assertThat(drained.get(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void awaitNoPendingUpdatesGivesUpAfterItsTimeout() throws Exception {
        emulator.post(UserMessage.privateChat(1, "A", "unread"));

        assertThat(emulator.awaitNoPendingUpdates(Duration.ofMillis(100))).isFalse();
    }

    @Test
    void aSecondPollerTerminatesTheFirstWith409() throws Exception {
        CompletableFuture<BotApiException> first = CompletableFuture.supplyAsync(() -> failureOf(() -> gateway.getUpdates(0, 100, Duration.ofSeconds(10))));
        org.awaitility.Awaitility.await().until(() -> emulator.openPolls() == 1);
        try (TelegramGateway other = new TelegramGateway(TOKEN, emulator.baseUrl(), Duration.ofSeconds(5))) {
            CompletableFuture.runAsync(() -> failureOf(() -> other.getUpdates(0, 100, Duration.ofSeconds(1))));
            assertThat(first.get(5, TimeUnit.SECONDS).kind()).isEqualTo(BotApiException.Kind.CONFLICT);
        }
    }

    @Test
    void everyConflictAnswerIsCounted() throws Exception {
        CompletableFuture<BotApiException> first = CompletableFuture.supplyAsync(() -> failureOf(() -> gateway.getUpdates(0, 100, Duration.ofSeconds(10))));
        org.awaitility.Awaitility.await().until(() -> emulator.openPolls() == 1);
        try (TelegramGateway other = new TelegramGateway(TOKEN, emulator.baseUrl(), Duration.ofSeconds(5))) {
            other.getUpdates(0, 100, Duration.ZERO);
        }
        first.get(5, TimeUnit.SECONDS);
        emulator.inject("getUpdates", Fault.conflict());
        failureOf(() -> gateway.getUpdates(0, 100, Duration.ZERO));
        emulator.setWebhookUrl("https://example.invalid/hook");
        failureOf(() -> gateway.getUpdates(0, 100, Duration.ZERO));

        assertThat(emulator.conflicts()).isEqualTo(3);
    }

    @Test
    void getUpdatesConflictsWhileAWebhookIsSet() throws Exception {
        emulator.setWebhookUrl("https://example.invalid/hook");
        assertThat(gateway.webhookInfo().getUrl()).isEqualTo("https://example.invalid/hook");
        BotApiException e = failureOf(() -> gateway.getUpdates(0, 100, Duration.ZERO));
        assertThat(e.webhookConflict()).isTrue();
        gateway.deleteWebhook();
        assertThat(emulator.webhookUrl()).isEmpty();
        assertThat(gateway.getUpdates(0, 100, Duration.ZERO)).isEmpty();
    }

    @Test
    void sentMessagesAreVisibleOnTheUserSide() throws Exception {
        gateway.sendMessage(42, "hello ✓").get(5, TimeUnit.SECONDS);
        assertThat(emulator.sentTo(42)).extracting(SentMessage::text).containsExactly("hello ✓");
    }

    @Test
    void sendingTooFastToOneChatIsAnswered429WithRetryAfter() throws Exception {
        List<BotApiException> failures = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            try {
                gateway.sendMessage(7, "burst " + i).get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                failures.add((BotApiException) e.getCause());
            }
        }
        assertThat(failures).isNotEmpty().allSatisfy(e -> {
            assertThat(e.kind()).isEqualTo(BotApiException.Kind.TOO_MANY_REQUESTS);
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        });
        assertThat(emulator.floodRejections()).isEqualTo(failures.size());
        assertThat(emulator.sentTo(7)).hasSize(FloodLimits.TELEGRAM.privateBurst());
    }

    @Test
    void injectedFaultsAreClassified() {
        emulator.inject("getUpdates", Fault.tooManyRequests(Duration.ofSeconds(3)));
        emulator.inject("getUpdates", Fault.serverError(502));
        emulator.inject("getUpdates", Fault.conflict());
        BotApiException tooMany = failureOf(() -> gateway.getUpdates(0, 1, Duration.ZERO));
        assertThat(tooMany.kind()).isEqualTo(BotApiException.Kind.TOO_MANY_REQUESTS);
        assertThat(tooMany.retryAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(failureOf(() -> gateway.getUpdates(0, 1, Duration.ZERO)).kind()).isEqualTo(BotApiException.Kind.SERVER);
        assertThat(failureOf(() -> gateway.getUpdates(0, 1, Duration.ZERO)).kind()).isEqualTo(BotApiException.Kind.CONFLICT);
    }

    @Test
    void aStandingFaultAnswersEveryCallUntilClearedAndInjectedFaultsComeFirst() throws Exception {
        emulator.always("getWebhookInfo", Fault.notImplemented());
        emulator.inject("getWebhookInfo", Fault.serverError(502));

        assertThat(failureOf(() -> gateway.webhookInfo()).errorCode()).isEqualTo(502);
        assertThat(failureOf(() -> gateway.webhookInfo()).errorCode()).isEqualTo(500);
        assertThat(failureOf(() -> gateway.webhookInfo()).errorCode()).isEqualTo(500);
        emulator.clearFaults();
        assertThat(gateway.webhookInfo().getUrl()).isEmpty();
    }

    @Test
    void aStandingFaultForEveryMethodAnswersThemAll() {
        emulator.always("*", Fault.unauthorized());

        assertThat(failureOf(() -> gateway.getMe()).errorCode()).isEqualTo(401);
        assertThat(failureOf(() -> {
            gateway.deleteWebhook();
            return null;
        }).errorCode()).isEqualTo(401);
        assertThat(failureOf(() -> gateway.getUpdates(0, 1, Duration.ZERO)).errorCode()).isEqualTo(401);
    }

    @Test
    void aTruncatedAnswerStillSendsTheMessage() throws Exception {
        emulator.always("sendMessage", Fault.truncatedAnswer());

        for (long chat = 1; chat <= 3; chat++) {
            CompletableFuture<?> send = gateway.sendMessage(chat, "sent " + chat);
            assertThatThrownBy(() -> send.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(BotApiException.class);
        }

        assertThat(emulator.sent()).extracting(SentMessage::text).containsExactly("sent 1", "sent 2", "sent 3");
    }

    @Test
    void aTruncatedAnswerLeavesAnErrorAnswerAlone() {
        emulator.always("sendMessage", Fault.truncatedAnswer());

        BotApiException e = failureOf(() -> gateway.sendMessage(5, " ").get(5, TimeUnit.SECONDS));

        assertThat(e.kind()).isEqualTo(BotApiException.Kind.REJECTED);
        assertThat(e.getMessage()).isEqualTo("sendMessage: [400] Bad Request: message text is empty");
    }

    @Test
    void aMissingFieldIsLeftOutOfTheResultOnly() {
        emulator.inject("getMe", Fault.withoutField("is_bot"));

        BotApiException e = failureOf(() -> gateway.getMe());

        assertThat(e.getMessage()).contains("{\"ok\":true,\"result\":{\"id\":7000001,\"first_name\":\"BotOps Sandbox\",\"username\"");
    }

    @Test
    void aNotImplementedMethodDoesNothing() {
        emulator.setWebhookUrl("https://example.invalid/hook");
        emulator.inject("deleteWebhook", Fault.notImplemented());

        failureOf(() -> {
            gateway.deleteWebhook();
            return null;
        });

        assertThat(emulator.webhookUrl()).isEqualTo("https://example.invalid/hook");
    }

    @Test
    void aDroppedConnectionIsANetworkFailure() {
        emulator.inject("getMe", Fault.dropConnection());
        BotApiException e = failureOf(() -> gateway.getMe());
        assertThat(e.kind()).isEqualTo(BotApiException.Kind.NETWORK);
        assertThat(e.getMessage()).doesNotContain(TOKEN.value());
    }

    @Test
    void cancelPollAbortsAnOpenLongPollAtOnce() throws Exception {
        CompletableFuture<BotApiException> poll = CompletableFuture.supplyAsync(() -> failureOf(() -> gateway.getUpdates(0, 100, Duration.ofSeconds(30))));
        org.awaitility.Awaitility.await().until(() -> emulator.openPolls() == 1);
        long started = System.nanoTime();
        gateway.cancelPoll();
        assertThat(poll.get(5, TimeUnit.SECONDS).kind()).isEqualTo(BotApiException.Kind.CANCELLED);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    private List<Update> poll(long offset, int timeoutSeconds) {
        try {
            return gateway.getUpdates(offset, 100, Duration.ofSeconds(timeoutSeconds));
        } catch (BotApiException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
