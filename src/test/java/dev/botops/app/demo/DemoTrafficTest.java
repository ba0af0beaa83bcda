package dev.botops.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.UserMessage;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoTrafficTest {

    @Test
    void everySimulatedUserStartsWithStartAndStaysInTheReservedRange() {
        try (BotApiEmulator sandbox = BotApiEmulator.start("0:sandbox");
             DemoTraffic traffic = new DemoTraffic(sandbox, Duration.ofSeconds(1), 7)) {
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 500; i++) {
                UserMessage message = traffic.next();
                assertThat(DemoData.isDemoUser(message.userId())).isTrue();
                assertThat(message.chatId()).isEqualTo(message.userId());
                if (seen.add(message.userId())) {
                    assertThat(message.text()).isEqualTo("/start");
                } else {
                    assertThat(message.text()).matches("/(buy|sell|price|portfolio|balance|history).*");
                }
            }
        }
    }

    @Test
    void runningTrafficPostsToTheSandboxUntilStopped() {
        try (BotApiEmulator sandbox = BotApiEmulator.start("0:sandbox");
             DemoTraffic traffic = new DemoTraffic(sandbox, Duration.ofMillis(20), 7)) {
            traffic.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.pendingUpdates() >= 3);

            traffic.stop();
            int afterStop = sandbox.pendingUpdates();

            assertThat(traffic.running()).isFalse();
            await().during(Duration.ofMillis(200)).atMost(Duration.ofMillis(5200)).until(() -> sandbox.pendingUpdates() == afterStop);
        }
    }
}
