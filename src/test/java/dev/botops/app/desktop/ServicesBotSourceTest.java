package dev.botops.app.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.BotHarness;
import dev.botops.bot.BotService;
import dev.botops.bot.BotState;
import dev.botops.bot.emulator.FloodLimits;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import dev.botops.ui.bot.BotSnapshot;
import dev.botops.ui.common.CommandResult;
import dev.botops.ui.common.RunsOn;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Bot screen's port over this process's bot: the real bot, its emulator and PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class ServicesBotSourceTest {
    private BotHarness harness;
    private BotService bot;
    private ServicesBotSource source;

    @BeforeEach
    void start(TestDatabase testDb) {
        harness = BotHarness.start(testDb, FloodLimits.TELEGRAM, Map.of());
        bot = harness.startBot("desk", c -> c);
        source = new ServicesBotSource(Optional.of(bot), "desk");
        await().until(() -> source.current().state() == BotState.POLLING);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void theBotOfThisProcessRunsHereHoldsTheLeaseAndCounts() {
        harness.ask(31, "/price aapl");

        BotSnapshot now = source.current();

        assertThat(now.runsOn()).isEqualTo(RunsOn.thisInstance("desk"));
        assertThat(now.holder()).hasValueSatisfying(h -> {
            assertThat(h.thisInstance()).isTrue();
            assertThat(h.id()).isEqualTo(bot.holderId());
        });
        assertThat(now.counters().updates()).isEqualTo(1);
        assertThat(source.recentMessages(10)).extracting(m -> m.text()).contains("/price aapl", "AAPL: $190.00");
    }

    @Test
    void stopAndStartAreCarriedOutAndAnsweredAndSubscribersSeeTheChange() {
        List<BotSnapshot> seen = new CopyOnWriteArrayList<>();
        Runnable unsubscribe = source.subscribe(seen::add);

        CommandResult stopped = source.stopBot().toCompletableFuture().join();

        assertThat(stopped.accepted()).isTrue();
        assertThat(bot.status().state()).isEqualTo(BotState.STOPPED);
        await().until(() -> seen.stream().anyMatch(s -> s.state() == BotState.STOPPED));

        unsubscribe.run();
        int before = seen.size();
        CommandResult started = source.startBot().toCompletableFuture().join();

        assertThat(started.accepted()).isTrue();
        await().until(() -> source.current().state() == BotState.POLLING);
        assertThat(seen).hasSize(before);
    }

    @Test
    void resumingPollingWithoutAConflictIsRefusedWithTheReason() {
        CommandResult result = source.resumePolling().toCompletableFuture().join();

        assertThat(result.accepted()).isFalse();
        assertThat(result.message()).contains("nothing to resume", "POLLING");
    }

    @Test
    void withoutABotInThisProcessItSaysSoAndRefusesEveryCommand() {
        ServicesBotSource none = new ServicesBotSource(Optional.empty(), "desk");

        assertThat(none.current().runsOn().nowhereActive()).isTrue();
        assertThat(none.current().reason()).contains("bot.enabled is false");
        assertThat(none.stopBot().toCompletableFuture().join().accepted()).isFalse();
        assertThat(none.recentMessages(5)).isEmpty();
    }
}
