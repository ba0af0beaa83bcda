package dev.botops.ui.maintenance;

import dev.botops.maintenance.CleanupProgress;
import dev.botops.maintenance.Outcome;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.RunRequest;
import dev.botops.maintenance.TableResult;
import dev.botops.ui.common.Coalescer;
import dev.botops.ui.common.Formats;
import dev.botops.ui.common.TaskExecutor;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;
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
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The retention cleanup panel: a dry run counts what would be deleted, the operator confirms, the real run shows
 * its progress (coalesced, ten updates a second at most) and can be cancelled, and the result says what it did.
 */
public final class CleanupModel {
    /** Batches report every few milliseconds; ten screen updates a second are plenty to watch and cheap to draw. */
    private static final long PROGRESS_EVERY_NANOS = 100_000_000L;

    /** Where the cleanup flow stands. */
    public enum Step {
        IDLE,
        /** The dry run is counting. */
        PREVIEWING,
        /** The preview is shown; waiting for the operator's confirmation. */
        PREVIEW,
        RUNNING,
        RESULT
    }

    private final RunLauncher runs;
    private final MaintenanceSource source;
    private final TaskExecutor tasks;
    private final Coalescer<CleanupProgress> progressUpdates;
    private Runnable unsubscribe = () -> { };

    private final ReadOnlyObjectWrapper<Step> step = new ReadOnlyObjectWrapper<>(Step.IDLE);
    private final ObservableList<PreviewRow> previewRows = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper previewSummary = new ReadOnlyStringWrapper("");
    private final ReadOnlyLongWrapper previewTotal = new ReadOnlyLongWrapper(0);
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyStringWrapper progressRows = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper progressRate = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper progressRemaining = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper progressTable = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper cancelling = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper result = new ReadOnlyStringWrapper("");
    private final ObservableList<DetailRow> resultRows = FXCollections.observableArrayList();
    private long runId;
    private boolean cancelRequested;
    private long progressShownAt;

    CleanupModel(RunLauncher runs, MaintenanceSource source, TaskExecutor tasks, Consumer<Runnable> fxThread) {
        this.runs = runs;
        this.source = source;
        this.tasks = tasks;
        this.progressUpdates = new Coalescer<>(fxThread, this::showProgress);
    }

    void start() {
        unsubscribe = source.subscribeProgress(progressUpdates::publish);
    }

    void stop() {
        unsubscribe.run();
        unsubscribe = () -> { };
    }

    public ReadOnlyObjectProperty<Step> step() {
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

    public ReadOnlyStringProperty result() {
        return result.getReadOnlyProperty();
    }

    public ObservableList<DetailRow> resultRows() {
        return FXCollections.unmodifiableObservableList(resultRows);
    }

    /** Step 1: a dry run counts exactly what a real run would delete, per table; nothing is deleted. */
    public void preview() {
        if (runs.busy().get() || (step.get() != Step.IDLE && step.get() != Step.RESULT)) {
            return;
        }
        previewRows.clear();
        runs.say("Counting what a cleanup would delete (a dry run: nothing is deleted)…");
        step.set(Step.PREVIEWING);
        runs.start("cleanup preview", RunRequest.cleanup(true), new RunLauncher.Run() {
            @Override
            public void finished(RunReport report) {
                previewed(report);
            }

            @Override
            public void notStarted() {
                step.set(Step.IDLE);
            }

            @Override
            public void lost() {
                step.set(Step.IDLE);
            }
        });
    }

    private void previewed(RunReport report) {
        if (report.outcome() != Outcome.SUCCEEDED) {
            runs.say("The preview failed: " + report.error());
            step.set(Step.IDLE);
            return;
        }
        // What would be deleted first; policies with nothing expired below, so the operator sees all were checked.
        previewRows.setAll(report.tables().stream().sorted(Comparator.comparingLong(TableResult::rows).reversed())
                .map(PreviewRow::of).collect(Collectors.toList()));
        previewTotal.set(report.rowsDeleted());
        previewSummary.set(RunReportText.previewSummary(report));
        runs.say("Preview ready (dry run " + report.runId() + "). Confirm to delete exactly these rows.");
        step.set(Step.PREVIEW);
    }

    /** Step 2: the real run, with progress and cancel. */
    public void confirm() {
        if (runs.busy().get() || step.get() != Step.PREVIEW) {
            return;
        }
        cancelRequested = false;
        cancelling.set(false);
        runId = 0;
        progress.set(0);
        progressRows.set(String.format(Locale.ROOT, "0 of %,d rows deleted", previewTotal.get()));
        progressRate.set("");
        progressRemaining.set("starting…");
        progressTable.set("");
        runs.say("Cleanup running.");
        step.set(Step.RUNNING);
        runs.start("cleanup", RunRequest.cleanup(false), new RunLauncher.Run() {
            @Override
            public void started(long id) {
                runId = id;
                if (cancelRequested) {
                    requestCancel(id);
                }
            }

            @Override
            public void finished(RunReport report) {
                cleaned(report);
            }

            @Override
            public void notStarted() {
                step.set(Step.PREVIEW);
            }

            @Override
            public void lost() {
                step.set(Step.IDLE);
            }
        });
    }

    /** Stops the running cleanup after the batch in flight; every committed batch stays done. */
    public void cancel() {
        if (step.get() != Step.RUNNING || cancelling.get()) {
            return;
        }
        cancelling.set(true);
        cancelRequested = true;
        runs.say("Cancelling after the batch in flight…");
        if (runId != 0) {
            requestCancel(runId);
        }
    }

    private void requestCancel(long id) {
        tasks.run("cancel cleanup", () -> source.cancel(id), asked -> {
        }, error -> runs.say("Could not cancel: " + error.getMessage()));
    }

    private void showProgress(CleanupProgress p) {
        if (step.get() != Step.RUNNING || (runId != 0 && p.runId() != runId)) {
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
        resultRows.setAll(DetailRow.of(report));
        result.set(RunReportText.cleanupResult(report, previewTotal.get()));
        runs.say("Cleanup run " + report.runId() + " " + RunReportText.outcome(report.outcome()) + ".");
        step.set(Step.RESULT);
    }

    /** Back to the start of the flow (from the preview without deleting, or after the result). */
    public void close() {
        if (step.get() == Step.PREVIEW || step.get() == Step.RESULT) {
            step.set(Step.IDLE);
            previewRows.clear();
            resultRows.clear();
            previewSummary.set("");
            result.set("");
        }
    }
}
