package dev.botops.ui.bot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.bot.BotHarness;
import dev.botops.bot.BotService;
import dev.botops.bot.BotState;
import dev.botops.bot.emulator.Fault;
import dev.botops.bot.emulator.FloodLimits;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import dev.botops.testing.UiThread;
import dev.botops.ui.bot.BotViewModel.ActivityKind;
import dev.botops.ui.common.TaskExecutor;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The bot screen's logic against the real bot, the emulator and PostgreSQL; the test thread is the UI thread. */
@ExtendWith(PostgresExtension.class)
class BotViewModelTest {
    private final UiThread ui = new UiThread();
    private BotHarness harness;
    private BotService bot;
    private BotViewModel model;

    @BeforeEach
    void start(TestDatabase testDb) {
        harness = BotHarness.start(testDb, FloodLimits.TELEGRAM, Map.of("bot.conflict-limit", "3"));
        bot = harness.startBot("screen", c -> c);
        model = new BotViewModel(Optional.of(bot), TaskExecutor.sameThread(), ui);
        ui.until(() -> model.state().get() == BotState.POLLING);
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void showsTheLeaseHolderCountersAndRecentMessages() {
        harness.ask(31, "/price aapl");

        model.refresh();

        assertThat(model.leaseHolder().get()).startsWith("this instance: " + bot.holderId());
        assertThat(model.updates().get()).isEqualTo("1");
        assertThat(model.errors().get()).isEqualTo("0");
        assertThat(model.activity()).extracting(BotViewModel.Activity::kind, BotViewModel.Activity::text).startsWith(
                org.assertj.core.groups.Tuple.tuple(ActivityKind.OUT, "bot → chat 31: AAPL: $190.00"),
                org.assertj.core.groups.Tuple.tuple(ActivityKind.IN, "chat 31 → bot: /price aapl"));
        assertThat(model.activity()).anySatisfy(a -> assertThat(a.kind()).isEqualTo(ActivityKind.STATE));
    }

    @Test
    void stopReleasesTheBotAndStartBringsItBack() {
        assertThat(model.canStop().get()).isTrue();
        assertThat(model.canStart().get()).isFalse();

        model.stop();
        ui.drain();

        assertThat(model.state().get()).isEqualTo(BotState.STOPPED);
        assertThat(model.reason().get()).contains("Stopped by the operator");
        assertThat(model.canStart().get()).isTrue();
        assertThat(model.canStop().get()).isFalse();

        model.start();
        ui.until(() -> model.state().get() == BotState.POLLING);
        assertThat(harness.ask(32, "/price goog")).isEqualTo("GOOG: $170.00");
        assertThat(model.activity()).extracting(BotViewModel.Activity::text)
                .anySatisfy(text -> assertThat(text).startsWith("STOPPED: Stopped by the operator"));
    }

    @Test
    void aStormOf409sRaisesTheConflictAndRetryRecovers() {
        harness.emulator().inject("getUpdates", Fault.conflict(), 3);
        harness.emulator().post(UserMessage.privateChat(33, "C", "/help"));

        ui.until(() -> model.conflict().get());
        model.refresh();
        assertThat(model.reason().get()).contains("409 Conflict 3 times in a row");
        assertThat(model.conflicts().get()).isEqualTo("3");

        model.retry();
        ui.until(() -> model.state().get() == BotState.POLLING && !model.conflict().get());
        // The message that met the storm is answered once polling works again.
        ui.until(() -> harness.emulator().sentTo(33).size() == 1);
        assertThat(harness.emulator().sentTo(33).get(0).text()).startsWith("Paper trading on a simulated market");
    }

    @Test
    void withoutABotInThisInstanceTheScreenSaysSoAndOffersNoCommands() {
        BotViewModel none = new BotViewModel(Optional.empty(), TaskExecutor.sameThread(), ui);

        none.refresh();

        assertThat(none.reason().get()).contains("bot.enabled is false");
        assertThat(none.canStart().get()).isFalse();
        assertThat(none.canStop().get()).isFalse();
    }
}
