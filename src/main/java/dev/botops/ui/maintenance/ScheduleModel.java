package dev.botops.ui.maintenance;

import dev.botops.ui.common.CommandResult;
import dev.botops.ui.common.TaskExecutor;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The schedule panel: where the schedule runs, each job's next and last run, and Pause / Resume, which the instance
 * that runs the schedule carries out (its answer comes back asynchronously).
 */
public final class ScheduleModel {
    private final MaintenanceSource source;
    private final TaskExecutor tasks;
    private final RunLauncher runs;
    private final ObservableList<ScheduleRow> rows = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper paused = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper working = new ReadOnlyBooleanWrapper(false);
    private boolean loading;

    ScheduleModel(MaintenanceSource source, TaskExecutor tasks, RunLauncher runs) {
        this.source = source;
        this.tasks = tasks;
        this.runs = runs;
    }

    public ObservableList<ScheduleRow> rows() {
        return FXCollections.unmodifiableObservableList(rows);
    }

    /** Where it runs and whether it is paused, in a sentence. */
    public ReadOnlyStringProperty status() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty paused() {
        return paused.getReadOnlyProperty();
    }

    /** A Pause or Resume is waiting for its answer. */
    public ReadOnlyBooleanProperty working() {
        return working.getReadOnlyProperty();
    }

    /** Reads the schedule again (in the background). */
    void refresh() {
        if (loading) {
            return;
        }
        loading = true;
        tasks.run("schedule", source::schedule, schedule -> {
            loading = false;
            show(schedule);
        }, error -> {
            loading = false;
            status.set("Could not read the schedule: " + error.getMessage());
        });
    }

    /** Scheduled jobs still come due but do nothing until resumed. */
    public void pause() {
        command("pause the schedule", source::pauseSchedule);
    }

    public void resume() {
        command("resume the schedule", source::resumeSchedule);
    }

    private void command(String name, Callable<CompletionStage<CommandResult>> send) {
        if (working.get()) {
            return;
        }
        working.set(true);
        tasks.runAndFollow(name, send, result -> {
            working.set(false);
            if (!result.accepted()) {
                runs.say("Could not " + name + ": " + result.message());
            }
            refresh();
        }, error -> {
            working.set(false);
            runs.say("Could not " + name + ": " + error.getMessage());
        });
    }

    private void show(ScheduleSnapshot schedule) {
        paused.set(schedule.paused());
        rows.setAll(schedule.jobs().stream().map(j -> ScheduleRow.of(j, schedule)).collect(Collectors.toList()));
        if (schedule.runsOn().nowhereActive()) {
            status.set(schedule.note().isEmpty() ? "Not running: no active instance runs the schedule." : schedule.note());
        } else {
            String where = schedule.runsOn().label();
            status.set(schedule.paused() ? "Paused " + where + ": jobs come due but do nothing until resumed." : "Running " + where + ".");
        }
    }
}
