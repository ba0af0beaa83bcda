package dev.botops.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.Fault;
import dev.botops.bot.emulator.SentMessage;
import dev.botops.bot.telegram.TelegramGateway;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sender keeps within Telegram's limits (which the emulator enforces) and honours 429s that still come. */
class OutgoingSenderTest {
    private BotApiEmulator emulator;
    private TelegramGateway gateway;
    private BotCounters counters;
    private OutgoingSender sender;

    @BeforeEach
    void start() {
        emulator = BotApiEmulator.start(BotHarness.TOKEN.value());
        gateway = new TelegramGateway(BotHarness.TOKEN, emulator.baseUrl(), Duration.ofSeconds(5));
        counters = new BotCounters();
        sender = new OutgoingSender(gateway, SendLimits.TELEGRAM, counters);
    }

    @AfterEach
    void stop() {
        sender.close(Duration.ZERO);
        gateway.close();
        emulator.close();
    }

    @Test
    void burstsToOneChatAreSpacedAndProvokeNo429() {
        for (int i = 0; i < 6; i++) {
            sender.send(50, "reply " + i, OutgoingSender.Lane.USER);
        }
        for (long chat = 100; chat < 160; chat++) {
            sender.send(chat, "hello", OutgoingSender.Lane.USER);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> emulator.sent().size() == 66);

        List<SentMessage> toOne = emulator.sentTo(50);
        assertThat(toOne).extracting(SentMessage::text).containsExactly("reply 0", "reply 1", "reply 2", "reply 3", "reply 4", "reply 5");
        // The sender spaces the sends a second apart; the emulator times their arrival, so one delivery delayed by a busy
        // machine shortens one gap and lengthens the next. Over the five gaps the spacing shows whatever the delays (unspaced,
        // the six would arrive within milliseconds).
        assertThat(Duration.ofNanos(toOne.get(5).sentNanos() - toOne.get(0).sentNanos())).isGreaterThan(Duration.ofSeconds(4));
        assertThat(emulator.floodRejections()).isZero();
        assertThat(counters.rateLimited.get()).isZero();
    }

    @Test
    void aGroupGetsAtMostTwentyMessagesPerMinute() {
        for (int i = 0; i < 3; i++) {
            sender.send(-77, "group " + i, OutgoingSender.Lane.USER);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> emulator.sentTo(-77).size() == 3);
        List<SentMessage> group = emulator.sentTo(-77);
        // Three seconds apart at the sender; arrival times leave room for a delivery delayed by a busy machine.
        assertThat(Duration.ofNanos(group.get(2).sentNanos() - group.get(0).sentNanos())).isGreaterThan(Duration.ofSeconds(4));
        assertThat(emulator.floodRejections()).isZero();
    }

    @Test
    void a429ThatStillComesIsWaitedOutAndTheMessageDelivered() {
        emulator.inject("sendMessage", Fault.tooManyRequests(Duration.ofSeconds(2)));
        long started = System.nanoTime();
        sender.send(60, "after the wait", OutgoingSender.Lane.USER);

        await().atMost(Duration.ofSeconds(6)).until(() -> emulator.sentTo(60).size() == 1);
        assertThat(Duration.ofNanos(emulator.sentTo(60).get(0).sentNanos() - started)).isGreaterThan(Duration.ofMillis(1900));
        assertThat(counters.rateLimited.get()).isEqualTo(1);
    }

    @Test
    void aFailedSendIsRetriedWithBackoff() {
        emulator.inject("sendMessage", Fault.serverError(502));
        sender.send(61, "eventually", OutgoingSender.Lane.USER);
        await().atMost(Duration.ofSeconds(5)).until(() -> emulator.sentTo(61).size() == 1);
        assertThat(counters.errors.get()).isEqualTo(1);
    }
}
