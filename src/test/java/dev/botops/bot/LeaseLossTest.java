package dev.botops.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.SentMessage;
import dev.botops.bot.emulator.UserMessage;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An instance that loses its lease while its polling loop is stuck in the database work of a batch (the drill's
 * second finding): it must never run two loops at once when it gets the lease back, and the stepped-down loop
 * must not confirm its offset to Telegram (another instance may be polling with the token by then). The same
 * holds for a loop the operator's stop could not wait for.
 */
class LeaseLossTest {
    /** Retries long enough that the stuck offset write outlasts the lease and the step-down's stop wait. */
    @RegisterExtension
    final BotFixture fixture = new BotFixture(Map.of("database.retry.max-attempts", "60", "database.retry.max-duration", "2m"));

    @Test
    void aLoopStuckInItsBatchWhenTheLeaseIsLostEndsBeforeTheNextLoopPolls() throws SQLException {
        LeaseEvents lease = new LeaseEvents();
        BotService bot = fixture.newBot("stuck");
        bot.addLeaseListener(lease);
        bot.start();
        await().until(() -> bot.status().state() == BotState.POLLING);
        fixture.ask(41, "/start");
        int getUpdatesBeforeRelease;
        try (Connection offsetLock = fixture.testDb().admin().getConnection();
             Connection leaseLock = fixture.testDb().admin().getConnection()) {
            // The offset row locked: the loop commits the trade, then hangs in the retries of storing its offset.
            lock(offsetLock, "SELECT * FROM bot_offsets FOR UPDATE");
            // The lease row locked: heartbeats time out, as in an outage, until the instance steps down.
            lock(leaseLock, "SELECT * FROM instance_lease FOR UPDATE");
            fixture.emulator().post(UserMessage.privateChat(41, "U41", "/buy AAPL 1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.count("SELECT count(*) FROM trades WHERE user_id = 41") == 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> lease.all().contains("standby"));

            int botApiCalls = botApiCalls();
            int leaseEvents = lease.all().size();
            leaseLock.rollback();
            await().atMost(Duration.ofSeconds(10)).until(() -> lease.after(leaseEvents).contains("active"));

            // Active again while the old loop is still in its batch: a second loop must not talk to Telegram yet.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> botApiCalls() == botApiCalls && fixture.emulator().openPolls() == 0);
            getUpdatesBeforeRelease = fixture.emulator().calls("getUpdates");
            offsetLock.rollback();
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> bot.status().state() == BotState.POLLING
                && fixture.emulator().openPolls() == 1);
        // The one getUpdates since is the new loop's long poll: the stepped-down loop confirmed nothing.
        assertThat(fixture.emulator().calls("getUpdates") - getUpdatesBeforeRelease).isEqualTo(1);
        assertThat(fixture.ask(41, "/balance")).isEqualTo("Cash: $9,810.00.");
        assertThat(fixture.emulator().conflicts()).isZero();
        assertThat(fixture.count("SELECT count(*) FROM trades WHERE user_id = 41")).isEqualTo(1);
        assertThat(fixture.emulator().sentTo(41)).extracting(SentMessage::text).hasSize(3)
                .element(1).isEqualTo("Bought 1 AAPL at $190.00 for $190.00. Cash left: $9,810.00.");
    }

    @Test
    void pausingWhileTheRunIsStuckInItsBatchReleasesTheLeaseAndLeavesTheOffsetUnconfirmed() throws SQLException {
        BotService bot = fixture.pollingBot("paused-while-stuck");
        fixture.ask(42, "/start");
        try (CapturedLog log = new CapturedLog(); Connection offsetLock = fixture.testDb().admin().getConnection()) {
            // The offset row locked: the run commits the trade, then hangs in the retries of storing its offset.
            lock(offsetLock, "SELECT * FROM bot_offsets FOR UPDATE");
            long lastId = fixture.emulator().post(UserMessage.privateChat(42, "U42", "/buy AAPL 1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.count("SELECT count(*) FROM trades WHERE user_id = 42") == 1);
            int polls = fixture.emulator().calls("getUpdates");

            // Waits (boundedly) for the run to confirm its offset, gives up, and releases the lease anyway.
            bot.pause();

            assertThat(bot.status().state()).isEqualTo(BotState.STOPPED);
            assertThat(fixture.count("SELECT count(*) FROM instance_lease WHERE expires_at > now()")).isZero();
            offsetLock.rollback();
            await().atMost(Duration.ofSeconds(20)).until(() -> log.lines().stream()
                    .anyMatch(line -> line.contains("offset " + (lastId + 1) + " is stored but not confirmed")));
            assertThat(fixture.storedOffset()).isEqualTo(lastId + 1);
            // A standby may poll as soon as the lease is free: the released run's final getUpdates would end its poll with 409.
            assertThat(fixture.emulator().calls("getUpdates")).isEqualTo(polls);
            assertThat(fixture.emulator().confirmedBelow()).isLessThanOrEqualTo(lastId);
        }
    }

    private int botApiCalls() {
        return fixture.emulator().calls("getMe") + fixture.emulator().calls("getWebhookInfo") + fixture.emulator().calls("getUpdates");
    }

    private static void lock(Connection c, String sql) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).as("a row to lock: " + sql).isTrue();
        }
    }
}
