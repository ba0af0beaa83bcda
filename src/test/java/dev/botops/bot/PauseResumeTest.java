package dev.botops.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.UserMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator's Stop and Start: the bot steps out of the running for the lease and back in, without closing. */
class PauseResumeTest {
    /** A lease long enough that "taken over at the next heartbeat" and "taken over at expiry" are seconds apart. */
    @RegisterExtension
    final BotFixture fixture = new BotFixture(Map.of("bot.lease-ttl", "6s"));

    @Test
    void pausedBotStopsPollingAndReleasesTheLeaseSoAStandbyTakesOverAtOnce() {
        BotService a = fixture.pollingBot("a");
        BotService b = fixture.startBot("b");
        await().until(() -> b.status().state() == BotState.STANDBY && b.status().activeHolder().isPresent());
        long aExpiresAtMillis = fixture.leaseExpiresAtMillis();

        a.pause();

        assertThat(a.status().state()).isEqualTo(BotState.STOPPED);
        assertThat(a.status().reason()).contains("Stopped by the operator");
        // Released when pause() returns, not left to expire (unless b has taken it already).
        assertThat(fixture.count("SELECT count(*) FROM instance_lease WHERE expires_at < now() OR holder_id = '" + b.holderId() + "'"))
                .isEqualTo(1);
        await().until(() -> b.status().state() == BotState.POLLING);
        // By the database's clock, b took over before a's lease would have expired: at its next heartbeat.
        assertThat(fixture.acquiredLeaseBefore(b.holderId(), aExpiresAtMillis)).isTrue();
        assertThat(fixture.ask(21, "/price aapl")).isEqualTo("AAPL: $190.00");
        assertThat(a.status().state()).isEqualTo(BotState.STOPPED);
    }

    @Test
    void resumedBotCompetesForTheLeaseAgainAndAnswersWhatArrivedWhileStopped() {
        LeaseEvents lease = new LeaseEvents();
        BotService bot = fixture.newBot("solo");
        bot.addLeaseListener(lease);
        bot.start();
        // Its long poll open at the emulator, so no getUpdates of the loop is still on its way when it stops.
        await().until(() -> bot.status().state() == BotState.POLLING && fixture.emulator().openPolls() == 1);

        bot.pause();
        int polls = fixture.emulator().calls("getUpdates");
        fixture.emulator().post(UserMessage.privateChat(22, "Paused", "/price goog"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(6)).until(() -> fixture.emulator().sentTo(22).isEmpty()
                && fixture.emulator().calls("getUpdates") == polls && bot.status().state() == BotState.STOPPED);

        bot.resume();

        await().until(() -> fixture.emulator().sentTo(22).size() == 1);
        assertThat(fixture.emulator().sentTo(22).get(0).text()).isEqualTo("GOOG: $170.00");
        assertThat(bot.status().state()).isEqualTo(BotState.POLLING);
        assertThat(lease.all()).containsExactly("active", "standby", "active");
    }

    @Test
    void recentMessagesListTheUsersMessagesAndTheRepliesNewestFirst() {
        BotService bot = fixture.pollingBot("log");
        fixture.ask(23, "/price eth");

        List<LoggedMessage> recent = bot.recentMessages(2);

        assertThat(recent).extracting(LoggedMessage::incoming, LoggedMessage::chatId, LoggedMessage::text)
                .containsExactly(tuple(false, 23L, "ETH: $3,000.00"), tuple(true, 23L, "/price eth"));
        assertThat(recent.get(1).userId()).isEqualTo(23L);
        assertThat(recent.get(0).userId()).isNull();
    }
}
