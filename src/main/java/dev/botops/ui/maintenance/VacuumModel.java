package dev.botops.ui.maintenance;

import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.RunRequest;
import dev.botops.maintenance.TableRef;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.ui.common.Coalescer;
import dev.botops.ui.common.Formats;
import dev.botops.ui.common.TaskExecutor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The VACUUM panel: the tables of the latest snapshot (partitioned tables as a whole), the operator's choice, ANALYZE
 * and FULL (FULL only with the guard's warning shown, and only for chosen tables), and the run's report.
 */
public final class VacuumModel {
    private final RunLauncher runs;
    private final MaintenanceSource source;
    private final TaskExecutor tasks;
    private final Coalescer<DatabaseSnapshot> snapshots;
    private Runnable unsubscribe = () -> { };

    private final ObservableList<VacuumTarget> targets = FXCollections.observableArrayList();
    private final ObservableList<VacuumTarget> selected = FXCollections.observableArrayList();
    private final BooleanProperty analyze = new SimpleBooleanProperty(true);
    private final BooleanProperty full = new SimpleBooleanProperty(false);
    private final ReadOnlyStringWrapper fullWarning = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper action = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper canRun = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper result = new ReadOnlyStringWrapper("");
    private DatabaseSnapshot.Storage storage;

    VacuumModel(RunLauncher runs, MaintenanceSource source, TaskExecutor tasks, Consumer<Runnable> fxThread) {
        this.runs = runs;
        this.source = source;
        this.tasks = tasks;
        this.snapshots = new Coalescer<>(fxThread, this::showSnapshot);
        full.addListener((obs, was, is) -> updateChoice());
        analyze.addListener((obs, was, is) -> updateChoice());
        runs.busy().addListener((obs, was, is) -> updateChoice());
        selected.addListener((ListChangeListener<VacuumTarget>) change -> updateChoice());
        updateChoice();
    }

    void start() {
        unsubscribe = source.subscribeSnapshots(snapshots::publish);
        tasks.run("vacuum: tables", source::latestSnapshot, latest -> latest.ifPresent(this::showSnapshot),
                error -> runs.say("Could not read the tables: " + error.getMessage()));
    }

    void stop() {
        unsubscribe.run();
        unsubscribe = () -> { };
    }

    /** Every table (partitioned tables as a whole), largest first, from the monitor's latest snapshot. */
    public ObservableList<VacuumTarget> targets() {
        return FXCollections.unmodifiableObservableList(targets);
    }

    /** The tables chosen for VACUUM; the view keeps it equal to its selection. Empty: the tables that need it. */
    public ObservableList<VacuumTarget> selected() {
        return selected;
    }

    public BooleanProperty analyze() {
        return analyze;
    }

    public BooleanProperty full() {
        return full;
    }

    /** The guard's warning, shown as soon as FULL is ticked; empty otherwise. */
    public ReadOnlyStringProperty fullWarning() {
        return fullWarning.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty result() {
        return result.getReadOnlyProperty();
    }

    /** What the VACUUM button does with the current choice. */
    public ReadOnlyStringProperty action() {
        return action.getReadOnlyProperty();
    }

    /** False while a run is active, and for FULL without chosen tables (FULL rewrites whole tables: choose them). */
    public ReadOnlyBooleanProperty canRun() {
        return canRun.getReadOnlyProperty();
    }

    /** VACUUM of the chosen tables (or of those whose dead rows call for it), with ANALYZE and FULL as ticked. */
    public void run() {
        if (!canRun.get()) {
            return;
        }
        Set<String> tables = selected.stream().map(VacuumTarget::qualifiedName).collect(Collectors.toCollection(LinkedHashSet::new));
        result.set("");
        runs.say(action.get() + ": running…");
        runs.start("vacuum", RunRequest.vacuum(tables, analyze.get(), full.get()), report -> {
            result.set(RunReportText.vacuum(report));
            runs.say("VACUUM run " + report.runId() + " " + RunReportText.outcome(report.outcome()) + ".");
        });
    }

    private void showSnapshot(DatabaseSnapshot snapshot) {
        if (!snapshot.reachable()) {
            return;
        }
        storage = snapshot.storage();
        Map<String, VacuumTarget> byName = new LinkedHashMap<>();
        for (DatabaseSnapshot.TableStats t : snapshot.tables()) {
            if (t.partitionOf() == null) {
                byName.merge(t.displayName(), new VacuumTarget(t.displayName(), t.qualifiedName(), t.totalBytes()), VacuumTarget::plus);
            } else {
                byName.merge(t.partitionOf(), new VacuumTarget(t.partitionOf(), quoted(t.partitionOf()), t.totalBytes()), VacuumTarget::plus);
            }
        }
        List<VacuumTarget> sorted = new ArrayList<>(byName.values());
        sorted.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        Set<String> chosen = selected.stream().map(VacuumTarget::name).collect(Collectors.toSet());
        // Sizes move a little with every snapshot; redraw the list only when what it shows changes.
        if (!shown(sorted).equals(shown(targets))) {
            targets.setAll(sorted);
            selected.setAll(sorted.stream().filter(t -> chosen.contains(t.name())).collect(Collectors.toList()));
        }
        updateChoice();
    }

    private static List<String> shown(List<VacuumTarget> list) {
        return list.stream().map(VacuumTarget::toString).collect(Collectors.toList());
    }

    /** {@code schema.name} (as the snapshot names a partitioned parent) quoted for SQL. */
    private static String quoted(String displayName) {
        int dot = displayName.indexOf('.');
        return new TableRef(displayName.substring(0, dot), displayName.substring(dot + 1)).quoted();
    }

    private void updateChoice() {
        String what = full.get() ? "VACUUM FULL" : analyze.get() ? "VACUUM (ANALYZE)" : "VACUUM";
        action.set(selected.isEmpty() ? (full.get() ? "Choose tables for VACUUM FULL" : what + " the tables that need it")
                : what + " " + selected.size() + " table(s)");
        canRun.set(!runs.busy().get() && !(full.get() && selected.isEmpty()));
        fullWarning.set(full.get() ? fullWarningText() : "");
    }

    private String fullWarningText() {
        StringBuilder text = new StringBuilder("VACUUM FULL rewrites each table into a new file under an ACCESS EXCLUSIVE lock: "
                + "the bot and every other query on that table wait until it is done. It needs free room for a complete copy "
                + "of the table while it runs, and it is refused when the quota has no room for it.");
        if (storage != null && storage.quotaBytes() > 0) {
            long free = Math.max(0, storage.quotaBytes() - storage.databaseBytes());
            text.append(" Free now: ").append(Formats.bytes(free)).append(" of the ").append(Formats.bytes(storage.quotaBytes()))
                    .append(" quota.");
            List<String> tooBig = selected.stream().filter(t -> t.bytes() > free)
                    .map(t -> t.name() + " (" + Formats.bytes(t.bytes()) + ")").collect(Collectors.toList());
            if (!tooBig.isEmpty()) {
                text.append(" It will be refused for ").append(String.join(", ", tooBig))
                        .append(": run a plain VACUUM, drop partitions or raise the quota first.");
            } else if (!selected.isEmpty()) {
                long largest = selected.stream().mapToLong(VacuumTarget::bytes).max().orElse(0);
                text.append(" The largest chosen table needs ").append(Formats.bytes(largest)).append(".");
            }
        }
        return text.toString();
    }
}
