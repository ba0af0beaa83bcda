package dev.botops.bot.telegram;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.BotApiEmulator;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The gateway's long polls against the emulator. */
class TelegramGatewayTest {
    private static final BotToken TOKEN = new BotToken("515151:gateway-token-aaaaaaaaaaaaaaaaaaaaaaaaaa");

    @Test
    void aLongPollWhoseCallerIsInterruptedIsAbortedNotLeftOpen() {
        try (BotApiEmulator emulator = BotApiEmulator.start(TOKEN.value());
             TelegramGateway gateway = new TelegramGateway(TOKEN, emulator.baseUrl(), Duration.ofSeconds(50))) {
            // Interrupted before the request is even sent: what a stopping loop meets when its stop() came just before
            // the call, too early for cancelPoll() to see it.
            Thread.currentThread().interrupt();

            assertThatThrownBy(() -> gateway.getUpdates(0, 100, Duration.ofSeconds(50))).isInstanceOf(InterruptedException.class);

            await().atMost(Duration.ofSeconds(5)).until(() -> gateway.runningPolls() == 0);
        }
    }
}
