package dev.botops.ui.tables;

import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.DatabaseSnapshot.TableStats;
import dev.botops.ui.common.Coalescer;
import dev.botops.ui.common.Formats;
import dev.botops.ui.common.TaskExecutor;
import dev.botops.ui.maintenance.RunReportText;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;

/**
 * Every table of the latest snapshot with its sizes, rows, dead rows, last vacuum and analyze and retention;
 * filtered by a text, sortable by the view; VACUUM (ANALYZE) of the selected table through maintenance.
 * Snapshots arrive on the monitor's thread: rows are built there and handed over coalesced.
 */
public final class TablesViewModel {
    private final TablesSource source;
    private final TaskExecutor tasks;
    private final Coalescer<List<TableRow>> updates;
    private Runnable unsubscribe = () -> { };

    private final ObservableList<TableRow> rows = FXCollections.observableArrayList();
    private final FilteredList<TableRow> filtered = new FilteredList<>(rows);
    private final SortedList<TableRow> sorted = new SortedList<>(filtered);
    private final StringProperty filter = new SimpleStringProperty("");
    private final ReadOnlyObjectWrapper<TableRow> selected = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("Waiting for the first snapshot…");
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper vacuumRunning = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyIntegerWrapper revision = new ReadOnlyIntegerWrapper();
    /** True while rows are replaced: the table view drops its selection then, which is not the user's doing. */
    private boolean applying;

    public TablesViewModel(TablesSource source, TaskExecutor tasks, Consumer<Runnable> fxThread) {
        this.source = source;
        this.tasks = tasks;
        this.updates = new Coalescer<>(fxThread, this::apply);
        filter.addListener((obs, old, text) -> applyFilter());
    }

    /** Follows the monitor from now on and shows its latest snapshot. */
    public void start() {
        unsubscribe = source.subscribe(this::publish);
        tasks.run("tables: latest snapshot", () -> source.latest().map(this::rows), latest -> latest.ifPresent(this::apply),
                error -> summary.set("Could not read the tables: " + error.getMessage()));
    }

    public void stop() {
        unsubscribe.run();
    }

    /** Thread-safe: builds the rows on the calling thread and hands them to the UI thread, coalesced. */
    public void publish(DatabaseSnapshot snapshot) {
        if (snapshot.reachable()) {
            updates.publish(rows(snapshot));
        }
    }

    /** Rows sorted as the view's column headers say (bind its comparator to {@link SortedList#comparatorProperty()}). */
    public SortedList<TableRow> rows() {
        return sorted;
    }

    /** Shows tables whose name or retention contains this text (case-insensitive). */
    public StringProperty filter() {
        return filter;
    }

    public ReadOnlyObjectProperty<TableRow> selected() {
        return selected.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summary() {
        return summary.getReadOnlyProperty();
    }

    /** The result of the last VACUUM, or why it failed. */
    public ReadOnlyStringProperty message() {
        return message.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty vacuumRunning() {
        return vacuumRunning.getReadOnlyProperty();
    }

    /** Counts applied updates: the view restores its selection from {@link #selected()} after each. */
    public ReadOnlyIntegerProperty revision() {
        return revision.getReadOnlyProperty();
    }

    /** The user selected a row (or none). */
    public void select(TableRow row) {
        if (!applying) {
            selected.set(row);
        }
    }

    /** Runs VACUUM (ANALYZE) on the selected table in the background and reports sizes before and after. */
    public void vacuumSelected() {
        TableRow row = selected.get();
        if (row == null || vacuumRunning.get()) {
            return;
        }
        vacuumRunning.set(true);
        message.set("VACUUM (ANALYZE) " + row.name() + " is running…");
        tasks.runAndFollow("VACUUM " + row.name(), () -> source.vacuum(row.qualifiedName()), report -> {
            vacuumRunning.set(false);
            message.set(RunReportText.vacuumOfOneTable(row.name(), report));
            source.refresh();
        }, error -> {
            vacuumRunning.set(false);
            message.set("VACUUM (ANALYZE) " + row.name() + " failed: " + error.getMessage());
        });
    }

    /** Replaces the rows (only when something changed) and keeps the selection on the same table. */
    void apply(List<TableRow> fresh) {
        applying = true;
        try {
            replaceChanged(fresh);
            TableRow current = selected.get();
            if (current != null) {
                selected.set(fresh.stream().filter(r -> r.name().equals(current.name())).findFirst().orElse(null));
            }
        } finally {
            applying = false;
        }
        long bytes = fresh.stream().mapToLong(TableRow::totalBytes).sum();
        summary.set(String.format(Locale.ROOT, "%,d tables · %s in tables", fresh.size(), Formats.bytes(bytes)));
        revision.set(revision.get() + 1);
    }

    /**
     * Same tables in the same order (the usual case): replaces only the rows whose figures changed, so the
     * table view updates a few cells instead of all of them. Otherwise replaces everything.
     */
    private void replaceChanged(List<TableRow> fresh) {
        boolean sameTables = fresh.size() == rows.size();
        for (int i = 0; sameTables && i < fresh.size(); i++) {
            sameTables = fresh.get(i).name().equals(rows.get(i).name());
        }
        if (!sameTables) {
            rows.setAll(fresh);
            return;
        }
        for (int i = 0; i < fresh.size(); i++) {
            if (!fresh.get(i).equals(rows.get(i))) {
                rows.set(i, fresh.get(i));
            }
        }
    }

    private void applyFilter() {
        String text = filter.get() == null ? "" : filter.get().trim().toLowerCase(Locale.ROOT);
        filtered.setPredicate(text.isEmpty() ? null : row -> row.name().toLowerCase(Locale.ROOT).contains(text)
                || row.retention().toLowerCase(Locale.ROOT).contains(text));
    }

    private List<TableRow> rows(DatabaseSnapshot snapshot) {
        List<TableRow> result = new ArrayList<>(snapshot.tables().size());
        for (TableStats t : snapshot.tables()) {
            result.add(new TableRow(t.displayName(), t.qualifiedName(), t.partitionOf(), t.totalBytes(), t.heapBytes(),
                    t.indexBytes(), t.toastBytes(), t.liveRows(), t.deadRows(), t.deadPercent(),
                    latest(t.lastVacuum(), t.lastAutovacuum()), latest(t.lastAnalyze(), t.lastAutoanalyze()),
                    source.retention(t.displayName(), t.partitionOf())));
        }
        return result;
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
