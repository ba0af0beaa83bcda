package dev.botops.ui.alerts;

import dev.botops.monitor.Alert;
import dev.botops.ui.common.Coalescer;
import dev.botops.ui.common.Formats;
import dev.botops.ui.common.TaskExecutor;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Active alerts (from the alert service's memory) and past ones (resolved, from the {@code alerts} table),
 * refreshed in the background whenever an alert changes; the selected alert's remediation hint can be copied.
 */
public final class AlertsViewModel {
    /** Past alerts shown at most (the table keeps 90 days of them). */
    static final int PAST_LIMIT = 200;

    private final AlertsSource source;
    private final TaskExecutor tasks;
    private final Coalescer<Boolean> changes;
    private Runnable unsubscribe = () -> { };
    private boolean loading;
    private boolean reloadAfter;

    private final ObservableList<Alert> active = FXCollections.observableArrayList();
    private final ObservableList<Alert> past = FXCollections.observableArrayList();
    private final ObservableList<Alert> activeView = FXCollections.unmodifiableObservableList(active);
    private final ObservableList<Alert> pastView = FXCollections.unmodifiableObservableList(past);
    private final ReadOnlyObjectWrapper<Alert> selected = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper detail = new ReadOnlyStringWrapper("Select an alert to see what to do about it.");
    private final ReadOnlyStringWrapper hint = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");

    /** Both lists, read together in the background. */
    record Lists(List<Alert> active, List<Alert> past) {
    }

    public AlertsViewModel(AlertsSource source, TaskExecutor tasks, Consumer<Runnable> fxThread) {
        this.source = source;
        this.tasks = tasks;
        this.changes = new Coalescer<>(fxThread, changed -> refresh());
    }

    public void start() {
        unsubscribe = source.subscribe(() -> changes.publish(Boolean.TRUE));
        refresh();
    }

    public void stop() {
        unsubscribe.run();
    }

    public ObservableList<Alert> active() {
        return activeView;
    }

    /** Resolved alerts, newest first. */
    public ObservableList<Alert> past() {
        return pastView;
    }

    public ReadOnlyObjectProperty<Alert> selected() {
        return selected.getReadOnlyProperty();
    }

    /** What the selected alert says, and since when. */
    public ReadOnlyStringProperty detail() {
        return detail.getReadOnlyProperty();
    }

    /** The selected alert's remediation hint (often SQL to paste). */
    public ReadOnlyStringProperty hint() {
        return hint.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty message() {
        return message.getReadOnlyProperty();
    }

    /** Reads both lists in the background; a change while reading reads again once it is done. */
    public void refresh() {
        if (loading) {
            reloadAfter = true;
            return;
        }
        loading = true;
        tasks.run("alerts: read", () -> new Lists(source.active(),
                source.recent(PAST_LIMIT).stream().filter(a -> !a.active()).toList()), lists -> {
            loading = false;
            show(lists);
            again();
        }, error -> {
            loading = false;
            message.set("Could not read the alerts: " + error.getMessage());
            again();
        });
    }

    private void again() {
        if (reloadAfter) {
            reloadAfter = false;
            refresh();
        }
    }

    private void show(Lists lists) {
        Alert current = selected.get();
        active.setAll(lists.active());
        past.setAll(lists.past());
        if (current != null) {
            // The same occurrence with fresh figures: by id, or by rule while it is active and not yet stored.
            select(Stream.concat(lists.active().stream(), lists.past().stream())
                    .filter(a -> current.id() != 0 ? a.id() == current.id() : a.active() && a.ruleId().equals(current.ruleId()))
                    .findFirst().orElse(current));
        }
        message.set(String.format(Locale.ROOT, "%d active, %d resolved shown", lists.active().size(), lists.past().size()));
    }

    /** The user selected an alert (or none). */
    public void select(Alert alert) {
        selected.set(alert);
        if (alert == null) {
            detail.set("Select an alert to see what to do about it.");
            hint.set("");
            return;
        }
        String state = alert.active() ? "active since " + Formats.time(alert.firstSeen()) + ", last seen " + Formats.time(alert.lastSeen())
                : "from " + Formats.time(alert.firstSeen()) + " to " + Formats.time(alert.resolvedAt());
        detail.set("[" + alert.severity() + "] " + alert.ruleId() + " — " + state + "\n" + alert.message());
        hint.set(alert.hint());
    }

    /** The hint to put on the clipboard (the view owns the clipboard); empty when there is none. */
    public String copyHint() {
        String text = hint.get();
        message.set(text.isEmpty() ? "This alert has no hint to copy." : "Copied the hint to the clipboard.");
        return text;
    }
}
