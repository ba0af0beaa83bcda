package dev.botops.ui.maintenance;

import dev.botops.maintenance.RunRecord;
import dev.botops.maintenance.RunReport;
import dev.botops.ui.common.TaskExecutor;
import java.util.Optional;
import java.util.stream.Collectors;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyLongWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/** The run history panel: the latest runs of every instance, and the details of the one the operator picks. */
public final class RunHistoryModel {
    private static final int SIZE = 50;

    private final MaintenanceSource source;
    private final TaskExecutor tasks;
    private final RunLauncher runs;
    private final ObservableList<RunRow> rows = FXCollections.observableArrayList();
    private final ReadOnlyLongWrapper selectedRunId = new ReadOnlyLongWrapper(0);
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper("");
    private final ObservableList<DetailRow> details = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper archives = new ReadOnlyStringWrapper("");
    private boolean loading;

    RunHistoryModel(MaintenanceSource source, TaskExecutor tasks, RunLauncher runs) {
        this.source = source;
        this.tasks = tasks;
        this.runs = runs;
    }

    public ObservableList<RunRow> rows() {
        return FXCollections.unmodifiableObservableList(rows);
    }

    /** The run whose details are shown; 0 for none. */
    public ReadOnlyLongProperty selectedRunId() {
        return selectedRunId.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summary() {
        return summary.getReadOnlyProperty();
    }

    public ObservableList<DetailRow> details() {
        return FXCollections.unmodifiableObservableList(details);
    }

    /** Where the run's archive files are, or why there are none. */
    public ReadOnlyStringProperty archives() {
        return archives.getReadOnlyProperty();
    }

    /** Reloads the latest runs (in the background). */
    void refresh() {
        if (loading) {
            return;
        }
        loading = true;
        tasks.run("maintenance history", () -> source.runs(SIZE), loaded -> {
            loading = false;
            rows.setAll(loaded.stream().map(RunRow::of).collect(Collectors.toList()));
        }, error -> {
            loading = false;
            runs.say("Could not load the run history: " + error.getMessage());
        });
    }

    /** Loads a run's details (per table, VACUUM, health, archive files). */
    public void show(long runId) {
        if (runId == selectedRunId.get()) {
            return;
        }
        selectedRunId.set(runId);
        if (runId == 0) {
            summary.set("");
            details.clear();
            archives.set("");
            return;
        }
        tasks.run("run details", () -> new Details(source.run(runId), source.report(runId)), loaded -> {
            if (selectedRunId.get() == runId) { // else the operator moved on meanwhile
                showDetails(loaded);
            }
        }, error -> summary.set("Could not load run " + runId + ": " + error.getMessage()));
    }

    private record Details(Optional<RunRecord> record, Optional<RunReport> report) {
    }

    private void showDetails(Details loaded) {
        if (loaded.report.isEmpty()) {
            details.clear();
            archives.set("");
            summary.set(loaded.record.map(RunReportText::runWithoutReport).orElse("This run is no longer in the history."));
            return;
        }
        RunReport r = loaded.report.get();
        details.setAll(DetailRow.of(r));
        summary.set(RunReportText.runSummary(r));
        archives.set(RunReportText.archives(r));
    }
}
