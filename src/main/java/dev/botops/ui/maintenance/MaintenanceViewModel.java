package dev.botops.ui.maintenance;

import dev.botops.maintenance.CleanupProgress;
import dev.botops.maintenance.MaintenanceService;
import dev.botops.maintenance.Outcome;
import dev.botops.maintenance.RunKind;
import dev.botops.maintenance.RunRecord;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.RunRequest;
import dev.botops.maintenance.SchedulerState;
import dev.botops.maintenance.StartResult;
import dev.botops.maintenance.StorageReport;
import dev.botops.maintenance.TableResult;
import dev.botops.maintenance.Trigger;
import dev.botops.maintenance.VacuumReport;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.MonitorService;
import dev.botops.ui.common.Coalescer;
import dev.botops.ui.common.Formats;
import dev.botops.ui.common.TaskExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

/**
 * The maintenance screen: the cleanup flow (dry-run preview, confirm, progress with cancel, result), VACUUM of
 * chosen tables (FULL only with the guard's warning shown), a health check on demand, the schedule with pause
 * and resume, and the run history with each run's details. Runs go through {@link MaintenanceService}; their
 * progress and completion arrive on the maintenance thread and reach the UI thread coalesced. Like its screen, it
 * lives as long as the dashboard: the listeners it adds to the services go when the services close with the app.
 */
public final class MaintenanceViewModel {
    /** How runs started here appear in the run log. */
    static final String CALLER = "dashboard";
    private static final int HISTORY_SIZE = 50;
    /** Batches report every few milliseconds; ten screen updates a second are plenty to watch and cheap to draw. */
    private static final long PROGRESS_EVERY_NANOS = 100_000_000L;

    /** Where the cleanup flow stands. */
    public enum CleanupStep {
        IDLE,
        /** The dry run is counting. */
        PREVIEWING,
        /** The preview is shown; waiting for the operator's confirmation. */
        PREVIEW,
        RUNNING,
        RESULT
    }

    /** One policy's table in the preview: what a real run would delete and the space it would free. */
    public record PreviewRow(String table, String policy, String strategy, long rows, String space) {
        /** The row count as shown ("12,345"). */
        public String rowsText() {
            return Formats.count(rows);
        }
    }

    /** A table that can be vacuumed, with its total size (all partitions, indexes, TOAST). */
    public record VacuumTarget(String name, String qualifiedName, long bytes) {
        @Override
        public String toString() {
            return name + "  (" + Formats.bytes(bytes) + ")";
        }
    }

    /** One job of the schedule. */
    public record ScheduleRow(String job, String nextRun, String lastRun, String lastOutcome) {
    }

    /** One run of the history. */
    public record RunRow(long runId, String kind, String trigger, String started, String duration, String outcome, long rows,
                         String database) {
        public String rowsText() {
            return Formats.count(rows);
        }
    }

    /** What a run did to one table: rows, partitions, space, and where the deleted rows were archived. */
    public record DetailRow(String table, String strategy, long rows, String partitions, String space, String archive) {
        public String rowsText() {
            return Formats.count(rows);
        }
    }

    private final MaintenanceService maintenance;
    private final TaskExecutor tasks;
    private final Consumer<Runnable> fxThread;
    private final Coalescer<CleanupProgress> progressUpdates;
    private final Coalescer<DatabaseSnapshot> snapshots;

    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);

    private final ReadOnlyObjectWrapper<CleanupStep> step = new ReadOnlyObjectWrapper<>(CleanupStep.IDLE);
    private final ObservableList<PreviewRow> previewRows = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper previewSummary = new ReadOnlyStringWrapper("");
    private final ReadOnlyLongWrapper previewTotal = new ReadOnlyLongWrapper(0);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper progressRows = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper progressRate = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper progressRemaining = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper progressTable = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper cancelling = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper cleanupResult = new ReadOnlyStringWrapper("");
    private final ObservableList<DetailRow> cleanupResultRows = FXCollections.observableArrayList();
    private long cleanupRunId;
    private boolean cancelRequested;
    private long progressShownAt;

    private final ObservableList<VacuumTarget> vacuumTargets = FXCollections.observableArrayList();
    private final ObservableList<VacuumTarget> selectedTargets = FXCollections.observableArrayList();
    private final BooleanProperty analyze = new SimpleBooleanProperty(true);
    private final BooleanProperty full = new SimpleBooleanProperty(false);
    private final ReadOnlyStringWrapper fullWarning = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper vacuumAction = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper canVacuum = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper vacuumResult = new ReadOnlyStringWrapper("");
    private DatabaseSnapshot.Storage storage;

    private final ReadOnlyStringWrapper healthResult = new ReadOnlyStringWrapper("");

    private final ObservableList<ScheduleRow> schedule = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper scheduleStatus = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper schedulePaused = new ReadOnlyBooleanWrapper(false);

    private final ObservableList<RunRow> runs = FXCollections.observableArrayList();
    private final ReadOnlyLongWrapper selectedRunId = new ReadOnlyLongWrapper(0);
    private final ReadOnlyStringWrapper runSummary = new ReadOnlyStringWrapper("");
    private final ObservableList<DetailRow> runDetails = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper runArchives = new ReadOnlyStringWrapper("");

    /**
     * @param monitor  the table list and free quota for VACUUM come from its cached snapshots
     * @param fxThread how to run on the UI thread ({@code Platform::runLater})
     */
    public MaintenanceViewModel(MaintenanceService maintenance, MonitorService monitor, TaskExecutor tasks, Consumer<Runnable> fxThread) {
        this.maintenance = maintenance;
        this.tasks = tasks;
        this.fxThread = fxThread;
        this.progressUpdates = new Coalescer<>(fxThread, this::showProgress);
        this.snapshots = new Coalescer<>(fxThread, this::showSnapshot);
        maintenance.addProgressListener(progressUpdates::publish);
        monitor.addListener(snapshots::publish);
        monitor.lastReachable().ifPresent(this::showSnapshot);
        full.addListener((obs, was, is) -> updateVacuumChoice());
        analyze.addListener((obs, was, is) -> updateVacuumChoice());
        busy.addListener((obs, was, is) -> updateVacuumChoice());
        selectedTargets.addListener((ListChangeListener<VacuumTarget>) change -> updateVacuumChoice());
        updateVacuumChoice();
        refresh();
    }

    // ---- screen-wide ----------------------------------------------------------------------------------

    /** The last thing that happened or went wrong, in a sentence. */
    public ReadOnlyStringProperty message() {
        return message.getReadOnlyProperty();
    }

    /** A run started from this screen is starting or active: the other run buttons wait. */
    public ReadOnlyBooleanProperty busy() {
        return busy.getReadOnlyProperty();
    }

    /** Reloads the run history and the schedule (in the background). */
    public void refresh() {
        tasks.run("maintenance history", () -> new Loaded(maintenance.runs(HISTORY_SIZE), maintenance.schedulerState()), loaded -> {
            runs.setAll(loaded.runs.stream().map(MaintenanceViewModel::runRow).collect(Collectors.toList()));
            showSchedule(loaded.schedule);
        }, error -> message.set("Could not load the run history: " + error.getMessage()));
    }

    private record Loaded(List<RunRecord> runs, SchedulerState schedule) {
    }

    // ---- cleanup ---------------------------------------------------------------------------------------

    public ReadOnlyObjectProperty<CleanupStep> step() {
        return step.getReadOnlyProperty();
    }

    public ObservableList<PreviewRow> previewRows() {
        return FXCollections.unmodifiableObservableList(previewRows);
    }

    public ReadOnlyStringProperty previewSummary() {
        return previewSummary.getReadOnlyProperty();
    }

    /** Rows the previewed cleanup would delete. */
    public ReadOnlyLongProperty previewTotal() {
        return previewTotal.getReadOnlyProperty();
    }

    /** 0..1: rows deleted of those expected. */
    public ReadOnlyDoubleProperty progress() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty progressRows() {
        return progressRows.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty progressRate() {
        return progressRate.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty progressRemaining() {
        return progressRemaining.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty progressTable() {
        return progressTable.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty cancelling() {
        return cancelling.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty cleanupResult() {
        return cleanupResult.getReadOnlyProperty();
    }

    public ObservableList<DetailRow> cleanupResultRows() {
        return FXCollections.unmodifiableObservableList(cleanupResultRows);
    }

    /** Step 1: a dry run counts exactly what a real run would delete, per table; nothing is deleted. */
    public void previewCleanup() {
        if (busy.get() || (step.get() != CleanupStep.IDLE && step.get() != CleanupStep.RESULT)) {
            return;
        }
        busy.set(true);
        step.set(CleanupStep.PREVIEWING);
        previewRows.clear();
        message.set("Counting what a cleanup would delete (a dry run: nothing is deleted)…");
        startRun("cleanup preview", RunRequest.cleanup(true), started -> {
        }, this::previewed, CleanupStep.IDLE);
    }

    private void previewed(RunReport report) {
        if (report.outcome() != Outcome.SUCCEEDED) {
            message.set("The preview failed: " + report.error());
            step.set(CleanupStep.IDLE);
            return;
        }
        // What would be deleted first; policies with nothing expired below, so the operator sees all were checked.
        previewRows.setAll(report.tables().stream().sorted(Comparator.comparingLong(TableResult::rows).reversed())
                .map(MaintenanceViewModel::previewRow).collect(Collectors.toList()));
        long rows = report.rowsDeleted();
        long tablesWithRows = report.tables().stream().filter(t -> t.rows() > 0).count();
        long quota = report.tables().stream().mapToLong(TableResult::quotaBytesFreed).sum();
        long reusable = report.tables().stream().mapToLong(TableResult::reusableBytes).sum();
        previewTotal.set(rows);
        previewSummary.set(rows == 0 ? "Nothing has expired: a cleanup would delete no rows."
                : String.format(Locale.ROOT, "%,d expired rows in %d table(s) would be deleted: %s back to the quota at once "
                        + "(partitions dropped whole), ~%s reusable inside the tables.", rows, tablesWithRows, Formats.bytes(quota),
                Formats.bytes(reusable)));
        message.set("Preview ready (dry run " + report.runId() + "). Confirm to delete exactly these rows.");
        step.set(CleanupStep.PREVIEW);
    }

    /** Step 2: the real run, with progress and cancel. */
    public void confirmCleanup() {
        if (busy.get() || step.get() != CleanupStep.PREVIEW) {
            return;
        }
        busy.set(true);
        cancelRequested = false;
        cancelling.set(false);
        cleanupRunId = 0;
        progress.set(0);
        progressRows.set(String.format(Locale.ROOT, "0 of %,d rows deleted", previewTotal.get()));
        progressRate.set("");
        progressRemaining.set("starting…");
        progressTable.set("");
        step.set(CleanupStep.RUNNING);
        message.set("Cleanup running.");
        startRun("cleanup", RunRequest.cleanup(false), runId -> {
            cleanupRunId = runId;
            if (cancelRequested) {
                requestCancel(runId);
            }
        }, this::cleaned, CleanupStep.PREVIEW);
    }

    /** Stops the running cleanup after the batch in flight; every committed batch stays done. */
    public void cancelCleanup() {
        if (step.get() != CleanupStep.RUNNING || cancelling.get()) {
            return;
        }
        cancelling.set(true);
        cancelRequested = true;
        message.set("Cancelling after the batch in flight…");
        if (cleanupRunId != 0) {
            requestCancel(cleanupRunId);
        }
    }

    private void requestCancel(long runId) {
        tasks.run("cancel cleanup", () -> maintenance.cancel(runId), asked -> {
        }, error -> message.set("Could not cancel: " + error.getMessage()));
    }

    private void showProgress(CleanupProgress p) {
        if (step.get() != CleanupStep.RUNNING || (cleanupRunId != 0 && p.runId() != cleanupRunId)) {
            return;
        }
        long now = System.nanoTime();
        if (now - progressShownAt < PROGRESS_EVERY_NANOS) {
            return; // the run's end shows the final figures
        }
        progressShownAt = now;
        progress.set(p.fraction());
        progressRows.set(String.format(Locale.ROOT, "%,d of %,d rows deleted · %,d batches", p.rowsDeleted(), p.rowsExpected(),
                p.batches()));
        progressRate.set(String.format(Locale.ROOT, "%,.0f rows/s", p.rowsPerSecond()));
        progressRemaining.set(p.estimatedRemaining() == null ? "estimating time left…" : "about " + Formats.age(p.estimatedRemaining()) + " left");
        progressTable.set(p.table());
    }

    private void cleaned(RunReport report) {
        cancelling.set(false);
        long expected = Math.max(previewTotal.get(), report.rowsDeleted());
        progress.set(expected == 0 ? 1.0 : (double) report.rowsDeleted() / expected);
        progressRows.set(String.format(Locale.ROOT, "%,d of %,d rows deleted", report.rowsDeleted(), expected));
        progressRemaining.set("");
        cleanupResultRows.setAll(detailRows(report));
        cleanupResult.set(resultText(report, previewTotal.get()));
        message.set("Cleanup run " + report.runId() + " " + report.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ".");
        step.set(CleanupStep.RESULT);
    }

    static String resultText(RunReport r, long previewed) {
        String size = "Database " + Formats.bytes(r.databaseBytesBefore()) + " → " + Formats.bytes(r.databaseBytesAfter()) + ".";
        switch (r.outcome()) {
            case SUCCEEDED:
                return String.format(Locale.ROOT, "Run %d deleted %,d rows in %s. %s", r.runId(), r.rowsDeleted(), seconds(r.duration()), size);
            case CANCELLED:
            case BUDGET_REACHED:
                return String.format(Locale.ROOT, "Run %d was %s after %,d of %,d rows (%s). Every committed batch stays done; "
                                + "the next cleanup deletes the rest. %s", r.runId(), r.outcome() == Outcome.CANCELLED ? "cancelled" : "stopped by its time budget",
                        r.rowsDeleted(), previewed, seconds(r.duration()), size);
            default:
                return String.format(Locale.ROOT, "Run %d %s after deleting %,d rows: %s", r.runId(),
                        r.outcome().name().toLowerCase(Locale.ROOT), r.rowsDeleted(), r.error());
        }
    }

    /** Back to the start of the flow (from the preview without deleting, or after the result). */
    public void closeCleanup() {
        if (step.get() == CleanupStep.PREVIEW || step.get() == CleanupStep.RESULT) {
            step.set(CleanupStep.IDLE);
            previewRows.clear();
            cleanupResultRows.clear();
            previewSummary.set("");
            cleanupResult.set("");
        }
    }

    // ---- VACUUM ----------------------------------------------------------------------------------------

    /** Every table (partitioned tables as a whole), largest first, from the monitor's latest snapshot. */
    public ObservableList<VacuumTarget> vacuumTargets() {
        return FXCollections.unmodifiableObservableList(vacuumTargets);
    }

    /** The tables chosen for VACUUM; the view keeps it equal to its selection. Empty: the tables that need it. */
    public ObservableList<VacuumTarget> selectedTargets() {
        return selectedTargets;
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

    public ReadOnlyStringProperty vacuumResult() {
        return vacuumResult.getReadOnlyProperty();
    }

    /** What the VACUUM button does with the current choice. */
    public ReadOnlyStringProperty vacuumAction() {
        return vacuumAction.getReadOnlyProperty();
    }

    /** False while a run is active, and for FULL without chosen tables (FULL rewrites whole tables: choose them). */
    public ReadOnlyBooleanProperty canVacuum() {
        return canVacuum.getReadOnlyProperty();
    }

    private void showSnapshot(DatabaseSnapshot snapshot) {
        if (!snapshot.reachable()) {
            return;
        }
        storage = snapshot.storage();
        Map<String, VacuumTarget> targets = new LinkedHashMap<>();
        for (DatabaseSnapshot.TableStats t : snapshot.tables()) {
            if (t.partitionOf() == null) {
                targets.merge(t.displayName(), new VacuumTarget(t.displayName(), t.qualifiedName(), t.totalBytes()), MaintenanceViewModel::sum);
            } else {
                targets.merge(t.partitionOf(), new VacuumTarget(t.partitionOf(), quoted(t.partitionOf()), t.totalBytes()), MaintenanceViewModel::sum);
            }
        }
        List<VacuumTarget> sorted = new ArrayList<>(targets.values());
        sorted.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        Set<String> chosen = selectedTargets.stream().map(VacuumTarget::name).collect(Collectors.toSet());
        // Sizes move a little with every snapshot; redraw the list only when what it shows changes.
        if (!shown(sorted).equals(shown(vacuumTargets))) {
            vacuumTargets.setAll(sorted);
            selectedTargets.setAll(sorted.stream().filter(t -> chosen.contains(t.name())).collect(Collectors.toList()));
        }
        updateVacuumChoice();
    }

    private static List<String> shown(List<VacuumTarget> targets) {
        return targets.stream().map(VacuumTarget::toString).collect(Collectors.toList());
    }

    private static VacuumTarget sum(VacuumTarget a, VacuumTarget b) {
        return new VacuumTarget(a.name(), a.qualifiedName(), a.bytes() + b.bytes());
    }

    /** {@code schema.name} (as the snapshot names a partitioned parent) quoted for SQL. */
    private static String quoted(String displayName) {
        int dot = displayName.indexOf('.');
        return quote(displayName.substring(0, dot)) + "." + quote(displayName.substring(dot + 1));
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private void updateVacuumChoice() {
        String what = full.get() ? "VACUUM FULL" : analyze.get() ? "VACUUM (ANALYZE)" : "VACUUM";
        vacuumAction.set(selectedTargets.isEmpty() ? (full.get() ? "Choose tables for VACUUM FULL" : what + " the tables that need it")
                : what + " " + selectedTargets.size() + " table(s)");
        canVacuum.set(!busy.get() && !(full.get() && selectedTargets.isEmpty()));
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
            List<String> tooBig = selectedTargets.stream().filter(t -> t.bytes() > free)
                    .map(t -> t.name() + " (" + Formats.bytes(t.bytes()) + ")").collect(Collectors.toList());
            if (!tooBig.isEmpty()) {
                text.append(" It will be refused for ").append(String.join(", ", tooBig))
                        .append(": run a plain VACUUM, drop partitions or raise the quota first.");
            } else if (!selectedTargets.isEmpty()) {
                long largest = selectedTargets.stream().mapToLong(VacuumTarget::bytes).max().orElse(0);
                text.append(" The largest chosen table needs ").append(Formats.bytes(largest)).append(".");
            }
        }
        return text.toString();
    }

    /** VACUUM of the chosen tables (or of those whose dead rows call for it), with ANALYZE and FULL as ticked. */
    public void startVacuum() {
        if (!canVacuum.get()) {
            return;
        }
        busy.set(true);
        Set<String> tables = selectedTargets.stream().map(VacuumTarget::qualifiedName).collect(Collectors.toCollection(LinkedHashSet::new));
        vacuumResult.set("");
        message.set(vacuumAction.get() + ": running…");
        startRun("vacuum", RunRequest.vacuum(tables, analyze.get(), full.get()), runId -> {
        }, report -> {
            vacuumResult.set(vacuumText(report));
            message.set("VACUUM run " + report.runId() + " " + report.outcome().name().toLowerCase(Locale.ROOT) + ".");
        }, null);
    }

    static String vacuumText(RunReport report) {
        VacuumReport v = report.vacuum();
        if (v == null) {
            return "VACUUM failed: " + report.error();
        }
        List<String> lines = new ArrayList<>();
        if (v.tables().isEmpty()) {
            lines.add("No table needed VACUUM.");
        }
        for (VacuumReport.TableVacuum t : v.tables()) {
            if (t.refusedReason() != null) {
                lines.add(t.refusedReason());
            } else if (t.error() != null) {
                lines.add((t.full() ? "VACUUM FULL " : "VACUUM ") + t.table() + " failed: " + t.error());
            } else {
                lines.add(String.format(Locale.ROOT, "%s%s: %s → %s, dead rows %,d → %,d%s", t.full() ? "VACUUM FULL " : "", t.table(),
                        Formats.bytes(t.bytesBefore()), Formats.bytes(t.bytesAfter()), t.deadRowsBefore(), t.deadRowsAfter(),
                        t.reusableBytes() > 0 ? ", ~" + Formats.bytes(t.reusableBytes()) + " reusable inside the table" : ""));
            }
        }
        lines.add(Formats.bytes(v.returnedToQuota()) + " returned to the quota (database " + Formats.bytes(v.databaseBytesBefore())
                + " → " + Formats.bytes(v.databaseBytesAfter()) + ").");
        return String.join("\n", lines);
    }

    // ---- health check ----------------------------------------------------------------------------------

    public ReadOnlyStringProperty healthResult() {
        return healthResult.getReadOnlyProperty();
    }

    /** The scheduled health check, now: storage against the quota, tables needing VACUUM, partitions ahead. */
    public void runHealthCheck() {
        if (busy.get()) {
            return;
        }
        busy.set(true);
        healthResult.set("");
        message.set("Health check running…");
        startRun("health check", RunRequest.health(), runId -> {
        }, report -> {
            healthResult.set(healthText(report));
            message.set("Health check run " + report.runId() + " " + report.outcome().name().toLowerCase(Locale.ROOT) + ".");
        }, null);
    }

    static String healthText(RunReport report) {
        StorageReport h = report.health();
        if (h == null) {
            return "The health check failed: " + report.error();
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Database %s of %s (%.1f %%).", Formats.bytes(h.databaseBytes()), Formats.bytes(h.quotaBytes()),
                h.usedPercent()));
        lines.add("Needs VACUUM: " + (h.tablesNeedingVacuum().isEmpty() ? "none." : String.join(", ", h.tablesNeedingVacuum()) + "."));
        for (StorageReport.PartitionedTable p : h.partitionedTables()) {
            lines.add(String.format(Locale.ROOT, "%s: %d partitions, %d day(s) ahead, %,d row(s) in DEFAULT%s", p.table(), p.partitions(),
                    p.daysAhead(), p.defaultRows(), p.created().isEmpty() ? "" : "; created " + String.join(", ", p.created())));
        }
        if (report.error() != null) {
            lines.add("Problem: " + report.error());
        }
        return String.join("\n", lines);
    }

    // ---- schedule --------------------------------------------------------------------------------------

    public ObservableList<ScheduleRow> schedule() {
        return FXCollections.unmodifiableObservableList(schedule);
    }

    public ReadOnlyStringProperty scheduleStatus() {
        return scheduleStatus.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty schedulePaused() {
        return schedulePaused.getReadOnlyProperty();
    }

    /** Scheduled jobs still come due but do nothing until resumed. */
    public void pauseSchedule() {
        tasks.run("pause schedule", () -> {
            maintenance.pauseSchedule();
            return maintenance.schedulerState();
        }, this::showSchedule, error -> message.set("Could not pause the schedule: " + error.getMessage()));
    }

    public void resumeSchedule() {
        tasks.run("resume schedule", () -> {
            maintenance.resumeSchedule();
            return maintenance.schedulerState();
        }, this::showSchedule, error -> message.set("Could not resume the schedule: " + error.getMessage()));
    }

    private void showSchedule(SchedulerState state) {
        schedulePaused.set(state.paused());
        schedule.setAll(state.jobs().stream().map(j -> new ScheduleRow(jobName(j.kind()),
                !state.running() ? "—" : state.paused() ? Formats.time(j.nextRun()) + " (paused: skipped)" : Formats.time(j.nextRun()),
                Formats.time(j.lastRun()), j.lastOutcome() == null ? "—"
                : j.lastOutcome().name() + (j.lastMessage() == null ? "" : ": " + j.lastMessage()))).collect(Collectors.toList()));
        if (!state.running()) {
            scheduleStatus.set("Not running in this instance (another instance holds the bot lease and runs it, or "
                    + "maintenance.scheduler-enabled is false).");
        } else {
            scheduleStatus.set(state.paused() ? "Paused: jobs come due but do nothing until resumed." : "Running.");
        }
    }

    private static String jobName(RunKind kind) {
        switch (kind) {
            case DAILY:
                return "Daily full maintenance";
            case HEALTH:
                return "Health check";
            case QUICK_CLEANUP:
                return "Quick cleanup";
            default:
                return kind.name();
        }
    }

    // ---- history ---------------------------------------------------------------------------------------

    public ObservableList<RunRow> runs() {
        return FXCollections.unmodifiableObservableList(runs);
    }

    /** The run whose details are shown; 0 for none. */
    public ReadOnlyLongProperty selectedRunId() {
        return selectedRunId.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty runSummary() {
        return runSummary.getReadOnlyProperty();
    }

    public ObservableList<DetailRow> runDetails() {
        return FXCollections.unmodifiableObservableList(runDetails);
    }

    /** Where the run's archive files are, or why there are none. */
    public ReadOnlyStringProperty runArchives() {
        return runArchives.getReadOnlyProperty();
    }

    /** Loads a run's details (per table, VACUUM, health, archive files). */
    public void showRun(long runId) {
        if (runId == selectedRunId.get()) {
            return;
        }
        selectedRunId.set(runId);
        if (runId == 0) {
            runSummary.set("");
            runDetails.clear();
            runArchives.set("");
            return;
        }
        tasks.run("run details", () -> new Details(maintenance.run(runId), maintenance.report(runId)), details -> {
            if (selectedRunId.get() != runId) {
                return; // the operator moved on meanwhile
            }
            showDetails(details);
        }, error -> runSummary.set("Could not load run " + runId + ": " + error.getMessage()));
    }

    private record Details(Optional<RunRecord> record, Optional<RunReport> report) {
    }

    private void showDetails(Details details) {
        if (details.report.isEmpty()) {
            runDetails.clear();
            runArchives.set("");
            runSummary.set(details.record.map(r -> "Run " + r.runId() + " " + r.kind() + ": " + r.outcome()
                    + (r.error() == null ? "" : " — " + r.error())).orElse("This run is no longer in the history."));
            return;
        }
        RunReport r = details.report.get();
        runDetails.setAll(detailRows(r));
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "Run %d: %s%s by %s (%s) on %s, %s in %s; %,d rows %s; database %s → %s.", r.runId(), r.kind(),
                r.dryRun() ? " (dry run)" : "", r.trigger(), r.caller(), r.instance(), r.outcome(), seconds(r.duration()), r.rowsDeleted(),
                r.dryRun() ? "to delete" : "deleted", Formats.bytes(r.databaseBytesBefore()), Formats.bytes(r.databaseBytesAfter())));
        if (r.vacuum() != null) {
            lines.add(vacuumText(r));
        }
        if (r.health() != null) {
            lines.add(healthText(r));
        } else if (r.error() != null) {
            lines.add("Error: " + r.error());
        }
        runSummary.set(String.join("\n", lines));
        List<String> archives = r.tables().stream().map(TableResult::archiveFile).filter(f -> f != null).collect(Collectors.toList());
        runArchives.set(archives.isEmpty() ? "No archive files: archiving is off for these policies (retention.<name>.archive)."
                : "Archive files (gzip JSON Lines):\n" + String.join("\n", archives));
    }

    // ---- shared ----------------------------------------------------------------------------------------

    /**
     * Starts a run in the background; when it has started, {@code onStarted} gets its id, and when it ends
     * {@code onReport} gets its report on the UI thread. If it does not start, the reason is shown and the
     * cleanup flow returns to {@code stepIfRefused} (null: the flow is not involved).
     */
    private void startRun(String name, RunRequest request, Consumer<Long> onStarted, Consumer<RunReport> onReport, CleanupStep stepIfRefused) {
        tasks.run(name, () -> maintenance.start(request, Trigger.MANUAL, CALLER), start -> {
            if (!start.started()) {
                busy.set(false);
                message.set(start.reason());
                if (stepIfRefused != null) {
                    step.set(stepIfRefused);
                }
                refresh();
                return;
            }
            onStarted.accept(start.runId());
            whenDone(start, report -> {
                busy.set(false);
                onReport.accept(report);
                refresh();
            }, stepIfRefused);
        }, error -> {
            busy.set(false);
            message.set("Could not start the " + name + ": " + error.getMessage());
            if (stepIfRefused != null) {
                step.set(stepIfRefused);
            }
        });
    }

    private void whenDone(StartResult start, Consumer<RunReport> onReport, CleanupStep stepIfFailed) {
        CompletableFuture<RunReport> completion = start.completion();
        completion.whenComplete((report, error) -> fxThread.accept(() -> {
            if (report != null) {
                onReport.accept(report);
                return;
            }
            busy.set(false);
            message.set("Run " + start.runId() + " ended without a report" + (error == null ? "" : ": " + error.getMessage())
                    + ". See the run history.");
            if (stepIfFailed != null) {
                step.set(CleanupStep.IDLE);
            }
            refresh();
        }));
    }

    private static PreviewRow previewRow(TableResult t) {
        return new PreviewRow(t.table(), t.policy(), strategy(t.strategy()), t.rows(), space(t));
    }

    /** The tables that lost rows first. */
    private static List<DetailRow> detailRows(RunReport report) {
        return report.tables().stream().sorted(Comparator.comparingLong(TableResult::rows).reversed())
                .map(MaintenanceViewModel::detailRow).collect(Collectors.toList());
    }

    private static DetailRow detailRow(TableResult t) {
        String partitions = t.droppedPartitions().isEmpty() ? "—" : t.droppedPartitions().size() + " dropped";
        String archive = t.archiveFile() == null ? "—" : t.archiveFile();
        String strategy = strategy(t.strategy()) + (t.stoppedBy() != null ? " (" + t.stoppedBy().name().toLowerCase(Locale.ROOT) + ")" : "")
                + (t.error() != null ? " — failed: " + t.error() : "");
        return new DetailRow(t.table(), strategy, t.rows(), partitions, space(t), archive);
    }

    /** PARTITION_DROP → "partition drop", BATCHED → "batched": the strategy names read as words. */
    private static String strategy(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String space(TableResult t) {
        List<String> parts = new ArrayList<>();
        if (t.quotaBytesFreed() > 0) {
            parts.add(Formats.bytes(t.quotaBytesFreed()) + " to the quota");
        }
        if (t.reusableBytes() > 0) {
            parts.add("~" + Formats.bytes(t.reusableBytes()) + " reusable");
        }
        return parts.isEmpty() ? "—" : String.join(", ", parts);
    }

    private static RunRow runRow(RunRecord r) {
        String duration = r.finishedAt() == null ? "running" : seconds(Duration.between(r.startedAt(), r.finishedAt()));
        String database = r.bytesBefore() == null ? "—" : Formats.bytes(r.bytesBefore())
                + (r.bytesAfter() == null ? "" : " → " + Formats.bytes(r.bytesAfter()));
        return new RunRow(r.runId(), r.kind().name() + (r.dryRun() ? " (dry run)" : ""), r.trigger().name() + " · " + r.caller(),
                Formats.time(r.startedAt()), duration, r.outcome().name(), r.rowsDeleted(), database);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
