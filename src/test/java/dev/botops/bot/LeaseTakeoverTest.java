package dev.botops.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.FloodLimits;
import dev.botops.bot.lease.LeaseHolder;
import dev.botops.bot.lease.LeaseListener;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
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

/** Two app instances on one database and one token: exactly one polls, the other takes over. */
@ExtendWith(PostgresExtension.class)
class LeaseTakeoverTest {
    private TestDatabase testDb;
    private BotHarness harness;

    @BeforeEach
    void start(TestDatabase testDb) {
        this.testDb = testDb;
        harness = BotHarness.start(testDb, FloodLimits.TELEGRAM, Map.of());
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void exactlyOneOfTwoInstancesPolls() {
        BotService a = harness.startBot("a", c -> c);
        BotService b = harness.startBot("b", c -> c);
        await().until(() -> states(a, b).containsAll(List.of(BotState.POLLING, BotState.STANDBY)));
        BotService active = a.status().state() == BotState.POLLING ? a : b;
        BotService standby = active == a ? b : a;

        assertThat(standby.status().activeHolder()).map(LeaseHolder::holderId).contains(active.holderId());
        assertThat(standby.status().reason()).contains("Another instance is active: " + active.holderId());
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> harness.emulator().openPolls() <= 1
                && states(a, b).containsAll(List.of(BotState.POLLING, BotState.STANDBY)));
        assertThat(a.status().conflicts() + b.status().conflicts()).isZero();
        assertThat(harness.ask(11, "/price nvda")).isEqualTo("NVDA: $120.00");
    }

    @Test
    void whenTheActiveInstanceStopsTheStandbyTakesOverWithinTheLeaseExpiry() {
        BotService a = harness.startBot("a", c -> c);
        await().until(() -> a.status().state() == BotState.POLLING);
        BotService b = harness.startBot("b", c -> c);
        await().until(() -> b.status().state() == BotState.STANDBY && b.status().activeHolder().isPresent());

        a.close();
        long stoppedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(2)).until(() -> b.status().state() == BotState.POLLING);

        assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(2));
        assertThat(harness.ask(12, "/price goog")).isEqualTo("GOOG: $170.00");
    }

    @Test
    void aDeadHoldersLeaseIsTakenOverOnceItExpires() throws SQLException {
        try (Connection c = testDb.admin().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO instance_lease VALUES (?, 'crashed/1', 'elsewhere', 1, now(), now(), now() + interval '2 seconds')")) {
            ps.setString(1, "bot:" + BotHarness.TOKEN.id());
            ps.executeUpdate();
        }
        List<String> events = new CopyOnWriteArrayList<>();
        BotService bot = harness.startBot("survivor", c -> c);
        bot.addLeaseListener(new LeaseListener() {
            @Override
            public void becameActive() {
                events.add("active");
            }

            @Override
            public void becameStandby(Optional<LeaseHolder> activeHolder) {
                events.add("standby:" + activeHolder.map(LeaseHolder::holderId).orElse("?"));
            }
        });
        await().until(() -> bot.status().state() == BotState.STANDBY && bot.status().reason().contains("crashed/1"));

        await().atMost(Duration.ofSeconds(4)).until(() -> bot.status().state() == BotState.POLLING);
        assertThat(events).endsWith("active");
        assertThat(harness.ask(13, "/price eth")).isEqualTo("ETH: $3,000.00");
    }

    private static List<BotState> states(BotService... bots) {
        List<BotState> states = new CopyOnWriteArrayList<>();
        for (BotService bot : bots) {
            states.add(bot.status().state());
        }
        return states;
    }
}
