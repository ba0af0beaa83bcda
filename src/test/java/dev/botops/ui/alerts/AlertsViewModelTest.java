package dev.botops.ui.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.monitor.Alert;
import dev.botops.monitor.Severity;
import dev.botops.ui.ManualFx;
import dev.botops.ui.common.Formats;
import dev.botops.ui.common.TaskExecutor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertsViewModelTest {
    private static final Instant T = Instant.parse("2026-11-27T12:00:00Z");

    private final FakeSource source = new FakeSource();

    private static Alert active(long id, String rule, Severity severity, String hint) {
        return new Alert(id, rule, severity, rule + " is bad", hint, T, T.plusSeconds(60), null);
    }

    private static Alert resolved(long id, String rule) {
        return new Alert(id, rule, Severity.WARNING, rule + " was bad", "", T.minusSeconds(3600), T.minusSeconds(60), T.minusSeconds(60));
    }

    @Test
    void showsActiveFromMemoryAndOnlyResolvedOnesAsPast() {
        Alert storage = active(3, "storage", Severity.CRITICAL, "Run maintenance");
        source.active.add(storage);
        source.recent.addAll(List.of(storage, resolved(2, "long-query"), resolved(1, "connections")));
        AlertsViewModel model = new AlertsViewModel(source, TaskExecutor.sameThread(), Runnable::run);

        model.start();

        assertThat(model.active()).containsExactly(storage);
        assertThat(model.past()).extracting(Alert::ruleId).containsExactly("long-query", "connections");
    }

    @Test
    void selectingAnAlertShowsItsHintReadyToCopy() {
        Alert deadRows = active(4, "dead-rows:public.t", Severity.WARNING, "VACUUM (ANALYZE) public.t;");
        source.active.add(deadRows);
        AlertsViewModel model = new AlertsViewModel(source, TaskExecutor.sameThread(), Runnable::run);
        model.start();

        model.select(deadRows);

        assertThat(model.detail().get()).contains("[WARNING] dead-rows:public.t").contains("dead-rows:public.t is bad");
        assertThat(model.copyHint()).isEqualTo("VACUUM (ANALYZE) public.t;");
        assertThat(model.message().get()).isEqualTo("Copied the hint to the clipboard.");
    }

    @Test
    void anAlertChangeRereadsTheListsInTheBackground() {
        ManualFx fx = new ManualFx();
        AlertsViewModel model = new AlertsViewModel(source, fx, fx);
        model.start();
        fx.runTasks();
        assertThat(model.active()).isEmpty();

        source.active.add(active(5, "storage", Severity.CRITICAL, ""));
        source.changed.run();
        source.changed.run();

        assertThat(fx.pendingFx()).isEqualTo(1);
        fx.runFx();
        assertThat(fx.pendingTasks()).isEqualTo(1);
        fx.runTasks();
        assertThat(model.active()).extracting(Alert::ruleId).containsExactly("storage");
    }

    @Test
    void aResolvedSelectionMovesToThePastList() {
        Alert storage = active(6, "storage", Severity.CRITICAL, "hint");
        source.active.add(storage);
        AlertsViewModel model = new AlertsViewModel(source, TaskExecutor.sameThread(), Runnable::run);
        model.start();
        model.select(storage);

        source.active.clear();
        source.recent.add(new Alert(6, "storage", Severity.CRITICAL, "storage is bad", "hint", T, T.plusSeconds(90), T.plusSeconds(90)));
        model.refresh();

        assertThat(model.selected().get().active()).isFalse();
        assertThat(model.detail().get()).contains("to " + Formats.time(T.plusSeconds(90)));
    }

    private static final class FakeSource implements AlertsSource {
        final List<Alert> active = new ArrayList<>();
        final List<Alert> recent = new ArrayList<>();
        Runnable changed;

        @Override
        public Runnable subscribe(Runnable onChange) {
            changed = onChange;
            return () -> changed = null;
        }

        @Override
        public List<Alert> active() {
            return List.copyOf(active);
        }

        @Override
        public List<Alert> recent(int limit) {
            return List.copyOf(recent);
        }
    }
}
