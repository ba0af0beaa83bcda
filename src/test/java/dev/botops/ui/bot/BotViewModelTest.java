package dev.botops.ui.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.botops.bot.BotState;
import dev.botops.bot.LoggedMessage;
import dev.botops.ui.ManualFx;
import dev.botops.ui.bot.BotViewModel.Activity;
import dev.botops.ui.bot.BotViewModel.ActivityKind;
import dev.botops.ui.common.CommandResult;
import dev.botops.ui.common.RunsOn;
import dev.botops.ui.common.TaskExecutor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The bot screen's logic against a fake of its port: no bot, no database; the test thread is the UI thread. */
class BotViewModelTest {
    private static final Instant NOW = Instant.parse("2026-05-04T10:00:00Z");
    private static final BotSnapshot.Holder HERE = new BotSnapshot.Holder("desk/1a2b3c4d", "desk", 4242, NOW, true);

    private final FakeBot source = new FakeBot();

    private BotViewModel started() {
        BotViewModel model = new BotViewModel(source, TaskExecutor.sameThread(), Runnable::run);
        model.start();
        return model;
    }

    @Test
    void showsWhereTheBotRunsTheLeaseHolderCountersAndRecentMessages() {
        source.now = polling(RunsOn.thisInstance("desk"), 1);
        source.messages = List.of(new LoggedMessage(NOW.plusSeconds(2), 1, 31, null, false, "AAPL: $190.00"),
                new LoggedMessage(NOW.plusSeconds(1), 1, 31, 31L, true, "/price aapl"));
        BotViewModel model = started();

        model.refresh();

        assertThat(model.where().get()).isEqualTo("Runs on this instance");
        assertThat(model.mode().get()).startsWith("Sandbox");
        assertThat(model.leaseHolder().get()).startsWith("this instance: desk/1a2b3c4d on desk (pid 4242)");
        assertThat(model.updates().get()).isEqualTo("1");
        assertThat(model.errors().get()).isEqualTo("0");
        assertThat(model.activity()).extracting(Activity::kind, Activity::text).startsWith(
                tuple(ActivityKind.OUT, "bot → chat 31: AAPL: $190.00"),
                tuple(ActivityKind.IN, "chat 31 → bot: /price aapl"));
        assertThat(model.activity()).anySatisfy(a -> assertThat(a.kind()).isEqualTo(ActivityKind.STATE));
    }

    @Test
    void aBotOnAnotherInstanceIsLabelledWithItsName() {
        source.now = polling(RunsOn.instance("server-a"), 7);

        BotViewModel model = started();

        assertThat(model.where().get()).isEqualTo("Runs on server-a");
        assertThat(model.canStop().get()).isTrue();
    }

    @Test
    void stopAndStartGoThroughTheSourceAndShowItsAnswer() {
        source.now = polling(RunsOn.thisInstance("desk"), 0);
        BotViewModel model = started();
        assertThat(model.canStop().get()).isTrue();
        assertThat(model.canStart().get()).isFalse();

        source.now = state(BotState.STOPPED, "Stopped by the operator");
        model.stopBot();

        assertThat(source.commands).containsExactly("stop");
        assertThat(model.message().get()).isEqualTo("stop done");
        assertThat(model.state().get()).isEqualTo(BotState.STOPPED);
        assertThat(model.canStart().get()).isTrue();
        assertThat(model.canStop().get()).isFalse();

        source.now = polling(RunsOn.thisInstance("desk"), 0);
        model.startBot();

        assertThat(source.commands).containsExactly("stop", "start");
        assertThat(model.state().get()).isEqualTo(BotState.POLLING);
    }

    @Test
    void theAnswerComesLaterAndNoWorkerWaitsForIt() {
        ManualFx fx = new ManualFx();
        source.now = polling(RunsOn.instance("server-a"), 0);
        source.answer = new CompletableFuture<>();
        BotViewModel model = new BotViewModel(source, fx, fx);
        model.start();
        fx.runTasks();

        model.stopBot();
        fx.runTasks();
        fx.runFx();

        assertThat(fx.pendingTasks()).isZero();
        assertThat(model.working().get()).isTrue();
        assertThat(model.canStop().get()).isFalse();
        assertThat(model.message().get()).startsWith("Stopping the bot");

        source.answer.complete(CommandResult.refused("server-a did not answer within 10 s"));
        fx.runFx();

        assertThat(model.working().get()).isFalse();
        assertThat(model.message().get()).isEqualTo("Not done: server-a did not answer within 10 s");
    }

    @Test
    void aConflictShowsTheBannerAndRetryResumesPolling() {
        source.now = polling(RunsOn.thisInstance("desk"), 0);
        BotViewModel model = started();

        source.change(state(BotState.CONFLICT, "Polling stopped: 409 Conflict 3 times in a row"));
        assertThat(model.conflict().get()).isTrue();
        assertThat(model.reason().get()).contains("409 Conflict 3 times in a row");

        source.now = polling(RunsOn.thisInstance("desk"), 0);
        model.retry();

        assertThat(source.commands).containsExactly("resume polling");
        assertThat(model.conflict().get()).isFalse();
        assertThat(model.activity()).extracting(Activity::text).anySatisfy(text -> assertThat(text).startsWith("CONFLICT: Polling stopped"));
    }

    @Test
    void withoutAnActiveBotTheScreenSaysSoAndOffersNoCommands() {
        source.now = BotSnapshot.none("The bot does not run in this instance (bot.enabled is false).", NOW);

        BotViewModel model = started();
        model.stopBot();

        assertThat(model.where().get()).isEqualTo("Not running");
        assertThat(model.reason().get()).contains("bot.enabled is false");
        assertThat(model.canStart().get()).isFalse();
        assertThat(model.canStop().get()).isFalse();
        assertThat(source.commands).isEmpty();
    }

    @Test
    void stopLetsGoOfTheStateChanges() {
        source.now = polling(RunsOn.thisInstance("desk"), 0);
        BotViewModel model = started();
        assertThat(source.listeners).hasSize(1);

        model.stop();

        assertThat(source.listeners).isEmpty();
    }

    private static BotSnapshot polling(RunsOn runsOn, long updates) {
        return new BotSnapshot(runsOn, BotState.POLLING, "Polling", NOW, Optional.of(HERE), true, "",
                new BotSnapshot.Counters(updates, 0, 0, 0), NOW);
    }

    private static BotSnapshot state(BotState state, String reason) {
        return new BotSnapshot(RunsOn.thisInstance("desk"), state, reason, NOW, Optional.empty(), true, "",
                BotSnapshot.Counters.NONE, NOW);
    }

    /** The bot as the screen's port shows it, moved by the test. */
    private static final class FakeBot implements BotSource {
        final List<Consumer<BotSnapshot>> listeners = new CopyOnWriteArrayList<>();
        final List<String> commands = new ArrayList<>();
        BotSnapshot now;
        List<LoggedMessage> messages = List.of();
        /** When set, every command's answer; otherwise each is answered at once with "<command> done". */
        CompletableFuture<CommandResult> answer;

        void change(BotSnapshot snapshot) {
            now = snapshot;
            listeners.forEach(l -> l.accept(snapshot));
        }

        @Override
        public Runnable subscribe(Consumer<BotSnapshot> listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public BotSnapshot current() {
            return now;
        }

        @Override
        public List<LoggedMessage> recentMessages(int limit) {
            return messages;
        }

        @Override
        public CompletionStage<CommandResult> stopBot() {
            return command("stop");
        }

        @Override
        public CompletionStage<CommandResult> startBot() {
            return command("start");
        }

        @Override
        public CompletionStage<CommandResult> resumePolling() {
            return command("resume polling");
        }

        private CompletionStage<CommandResult> command(String name) {
            commands.add(name);
            return answer != null ? answer : CompletableFuture.completedFuture(CommandResult.accepted(name + " done"));
        }
    }
}
