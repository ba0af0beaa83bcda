package dev.botops.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.FloodLimits;
import dev.botops.bot.emulator.SentMessage;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.bot.lease.LeaseHolder;
import dev.botops.bot.lease.LeaseListener;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An instance that loses its lease while its polling loop is stuck in the database work of a batch (the drill's
 * second finding): it must never run two loops at once when it gets the lease back, and the stepped-down loop
 * must not confirm its offset to Telegram (another instance may be polling with the token by then).
 */
@ExtendWith(PostgresExtension.class)
class LeaseLossTest {
    private TestDatabase testDb;
    private BotHarness harness;

    @BeforeEach
    void start(TestDatabase testDb) {
        this.testDb = testDb;
        // Retries long enough that the stuck offset write outlasts the lease and the step-down wait.
        harness = BotHarness.start(testDb, FloodLimits.TELEGRAM, Map.of("database.retry.max-attempts", "60",
                "database.retry.max-duration", "2m"));
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void aLoopStuckInItsBatchWhenTheLeaseIsLostEndsBeforeTheNextLoopPolls() throws SQLException {
        BotService bot = harness.startBot("stuck", c -> c);
        List<String> lease = leaseEvents(bot);
        await().until(() -> bot.status().state() == BotState.POLLING);
        harness.ask(41, "/start");
        int getUpdatesBeforeRelease;
        try (Connection offsetLock = testDb.admin().getConnection(); Connection leaseLock = testDb.admin().getConnection()) {
            // The offset row locked: the loop commits the trade, then hangs in the retries of storing its offset.
            lock(offsetLock, "SELECT * FROM bot_offsets FOR UPDATE");
            // The lease row locked: heartbeats time out, as in an outage, until the instance steps down.
            lock(leaseLock, "SELECT * FROM instance_lease FOR UPDATE");
            harness.emulator().post(UserMessage.privateChat(41, "U41", "/buy AAPL 1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> count("SELECT count(*) FROM trades WHERE user_id = 41") == 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> lease.contains("standby"));

            int botApiCalls = botApiCalls();
            int eventsBefore = lease.size();
            leaseLock.rollback();
            await().atMost(Duration.ofSeconds(10)).until(() -> lease.subList(eventsBefore, lease.size()).contains("active"));

            // Active again while the old loop is still in its batch: a second loop must not talk to Telegram yet.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> botApiCalls() == botApiCalls && harness.emulator().openPolls() == 0);
            getUpdatesBeforeRelease = harness.emulator().calls("getUpdates");
            offsetLock.rollback();
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> bot.status().state() == BotState.POLLING
                && harness.emulator().openPolls() == 1);
        // The one getUpdates since is the new loop's long poll: the stepped-down loop confirmed nothing.
        assertThat(harness.emulator().calls("getUpdates") - getUpdatesBeforeRelease).isEqualTo(1);
        assertThat(harness.ask(41, "/balance")).isEqualTo("Cash: $9,810.00.");
        assertThat(harness.emulator().conflicts()).isZero();
        assertThat(count("SELECT count(*) FROM trades WHERE user_id = 41")).isEqualTo(1);
        assertThat(harness.emulator().sentTo(41)).extracting(SentMessage::text).hasSize(3)
                .element(1).isEqualTo("Bought 1 AAPL at $190.00 for $190.00. Cash left: $9,810.00.");
    }

    private int botApiCalls() {
        return harness.emulator().calls("getMe") + harness.emulator().calls("getWebhookInfo") + harness.emulator().calls("getUpdates");
    }

    private static List<String> leaseEvents(BotService bot) {
        List<String> events = new CopyOnWriteArrayList<>();
        bot.addLeaseListener(new LeaseListener() {
            @Override
            public void becameActive() {
                events.add("active");
            }

            @Override
            public void becameStandby(Optional<LeaseHolder> activeHolder) {
                events.add("standby");
            }
        });
        return events;
    }

    private static void lock(Connection c, String sql) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).as("a row to lock: " + sql).isTrue();
        }
    }

    private long count(String sql) {
        try (Connection c = testDb.admin().getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
