package dev.botops.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.lease.LeaseHolder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two app instances on one database and one token: exactly one polls, the other takes over. */
class LeaseTakeoverTest {
    @RegisterExtension
    final BotFixture fixture = new BotFixture();

    @Test
    void exactlyOneOfTwoInstancesPolls() {
        BotService a = fixture.startBot("a");
        BotService b = fixture.startBot("b");
        await().until(() -> states(a, b).containsAll(List.of(BotState.POLLING, BotState.STANDBY)));
        BotService active = a.status().state() == BotState.POLLING ? a : b;
        BotService standby = active == a ? b : a;

        assertThat(standby.status().activeHolder()).map(LeaseHolder::holderId).contains(active.holderId());
        assertThat(standby.status().reason()).contains("Another instance is active: " + active.holderId());
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> fixture.emulator().openPolls() <= 1
                && states(a, b).containsAll(List.of(BotState.POLLING, BotState.STANDBY)));
        assertThat(a.status().conflicts() + b.status().conflicts()).isZero();
        assertThat(fixture.ask(11, "/price nvda")).isEqualTo("NVDA: $120.00");
    }

    @Test
    void whenTheActiveInstanceStopsTheStandbyTakesOverWithinTheLeaseExpiry() {
        BotService a = fixture.startBot("a");
        await().until(() -> a.status().state() == BotState.POLLING);
        BotService b = fixture.startBot("b");
        await().until(() -> b.status().state() == BotState.STANDBY && b.status().activeHolder().isPresent());

        long aExpiresAtMillis = fixture.leaseExpiresAtMillis();
        a.close();
        await().until(() -> b.status().state() == BotState.POLLING);

        // By the database's clock (not this thread's, which a busy machine may delay): b had the lease before a's
        // would have expired.
        assertThat(fixture.acquiredLeaseBefore(b.holderId(), aExpiresAtMillis)).isTrue();
        assertThat(fixture.ask(12, "/price goog")).isEqualTo("GOOG: $170.00");
    }

    @Test
    void aDeadHoldersLeaseIsTakenOverOnceItExpires() throws SQLException {
        try (Connection c = fixture.testDb().admin().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO instance_lease VALUES (?, 'crashed/1', 'elsewhere', 1, now(), now(), now() + interval '2 seconds')")) {
            ps.setString(1, "bot:" + BotHarness.TOKEN.id());
            ps.executeUpdate();
        }
        long crashedExpiresAtMillis = fixture.leaseExpiresAtMillis();
        LeaseEvents lease = new LeaseEvents();
        BotService bot = fixture.newBot("survivor");
        bot.addLeaseListener(lease);
        bot.start();
        await().until(() -> bot.status().state() == BotState.STANDBY && bot.status().reason().contains("crashed/1"));

        await().until(() -> bot.status().state() == BotState.POLLING);
        assertThat(lease.all()).containsExactly("standby", "active");
        // Not before the dead holder's lease expired, by the database's clock.
        assertThat(fixture.acquiredLeaseBefore(bot.holderId(), crashedExpiresAtMillis)).isFalse();
        assertThat(fixture.count("SELECT count(*) FROM instance_lease WHERE holder_id = '" + bot.holderId() + "'")).isEqualTo(1);
        assertThat(fixture.ask(13, "/price eth")).isEqualTo("ETH: $3,000.00");
    }

    private static List<BotState> states(BotService... bots) {
        List<BotState> states = new CopyOnWriteArrayList<>();
        for (BotService bot : bots) {
            states.add(bot.status().state());
        }
        return states;
    }
}
