package dev.botops.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.FloodLimits;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.bot.lease.LeaseHolder;
import dev.botops.bot.lease.LeaseListener;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operator's Stop and Start: the bot steps out of the running for the lease and back in, without closing. */
@ExtendWith(PostgresExtension.class)
class PauseResumeTest {
    private BotHarness harness;

    @BeforeEach
    void start(TestDatabase testDb) {
        harness = BotHarness.start(testDb, FloodLimits.TELEGRAM, Map.of());
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void pausedBotStopsPollingAndReleasesTheLeaseSoAStandbyTakesOverAtOnce() {
        BotService a = harness.startBot("a", c -> c);
        await().until(() -> a.status().state() == BotState.POLLING);
        BotService b = harness.startBot("b", c -> c);
        await().until(() -> b.status().state() == BotState.STANDBY && b.status().activeHolder().isPresent());

        a.pause();
        long pausedAt = System.nanoTime();

        assertThat(a.status().state()).isEqualTo(BotState.STOPPED);
        assertThat(a.status().reason()).contains("Stopped by the operator");
        // Well within the 2 s lease expiry: the lease was released, not left to expire.
        await().atMost(Duration.ofMillis(1500)).until(() -> b.status().state() == BotState.POLLING);
        assertThat(Duration.ofNanos(System.nanoTime() - pausedAt)).isLessThan(Duration.ofMillis(1500));
        assertThat(harness.ask(21, "/price aapl")).isEqualTo("AAPL: $190.00");
        assertThat(a.status().state()).isEqualTo(BotState.STOPPED);
    }

    @Test
    void resumedBotCompetesForTheLeaseAgainAndAnswersWhatArrivedWhileStopped() {
        BotService bot = harness.startBot("solo", c -> c);
        List<String> lease = new CopyOnWriteArrayList<>();
        bot.addLeaseListener(new LeaseListener() {
            @Override
            public void becameActive() {
                lease.add("active");
            }

            @Override
            public void becameStandby(Optional<LeaseHolder> activeHolder) {
                lease.add("standby");
            }
        });
        await().until(() -> bot.status().state() == BotState.POLLING);

        bot.pause();
        int polls = harness.emulator().calls("getUpdates");
        harness.emulator().post(UserMessage.privateChat(22, "Paused", "/price goog"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> harness.emulator().sentTo(22).isEmpty()
                && harness.emulator().calls("getUpdates") == polls && bot.status().state() == BotState.STOPPED);

        bot.resume();

        await().atMost(Duration.ofSeconds(5)).until(() -> harness.emulator().sentTo(22).size() == 1);
        assertThat(harness.emulator().sentTo(22).get(0).text()).isEqualTo("GOOG: $170.00");
        assertThat(bot.status().state()).isEqualTo(BotState.POLLING);
        assertThat(lease).containsExactly("active", "standby", "active");
    }

    @Test
    void recentMessagesListTheUsersMessagesAndTheRepliesNewestFirst() {
        BotService bot = harness.startBot("log", c -> c);
        await().until(() -> bot.status().state() == BotState.POLLING);
        harness.ask(23, "/price eth");

        List<LoggedMessage> recent = bot.recentMessages(2);

        assertThat(recent).extracting(LoggedMessage::incoming, LoggedMessage::chatId, LoggedMessage::text)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(false, 23L, "ETH: $3,000.00"),
                        org.assertj.core.groups.Tuple.tuple(true, 23L, "/price eth"));
        assertThat(recent.get(1).userId()).isEqualTo(23L);
        assertThat(recent.get(0).userId()).isNull();
    }
}
