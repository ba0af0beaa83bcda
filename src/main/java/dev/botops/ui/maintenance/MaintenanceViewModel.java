package dev.botops.ui.maintenance;

import dev.botops.ui.common.TaskExecutor;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyStringProperty;

/**
 * The Maintenance screen: one small model per panel (cleanup, VACUUM, health check, schedule, run history) over the
 * run helper they share (one run at a time from this screen, one message line). Everything goes through the
 * {@link MaintenanceSource}; a run's progress and its end arrive as events, coalesced onto the UI thread.
 */
public final class MaintenanceViewModel {
    private final RunLauncher runs;
    private final CleanupModel cleanup;
    private final VacuumModel vacuum;
    private final HealthCheckModel health;
    private final ScheduleModel schedule;
    private final RunHistoryModel history;

    /** @param fxThread how to run on the UI thread ({@code Platform::runLater}) */
    public MaintenanceViewModel(MaintenanceSource source, TaskExecutor tasks, Consumer<Runnable> fxThread) {
        this.runs = new RunLauncher(source, tasks);
        this.cleanup = new CleanupModel(runs, source, tasks, fxThread);
        this.vacuum = new VacuumModel(runs, source, tasks, fxThread);
        this.health = new HealthCheckModel(runs);
        this.schedule = new ScheduleModel(source, tasks, runs);
        this.history = new RunHistoryModel(source, tasks, runs);
        runs.afterEachRun(this::refresh);
    }

    /** Follows the runs' progress and the database's tables from now on, and loads the history and the schedule. */
    public void start() {
        cleanup.start();
        vacuum.start();
        refresh();
    }

    /** Lets go of the runs' progress and the database's tables. */
    public void stop() {
        cleanup.stop();
        vacuum.stop();
    }

    /** Reloads the run history and the schedule (scheduled runs and other instances change them too). */
    public void refresh() {
        history.refresh();
        schedule.refresh();
    }

    /** The last thing that happened or went wrong, in a sentence. */
    public ReadOnlyStringProperty message() {
        return runs.message();
    }

    /** A run started from this screen is starting or active: the other run buttons wait. */
    public ReadOnlyBooleanProperty busy() {
        return runs.busy();
    }

    public CleanupModel cleanup() {
        return cleanup;
    }

    public VacuumModel vacuum() {
        return vacuum;
    }

    public HealthCheckModel health() {
        return health;
    }

    public ScheduleModel schedule() {
        return schedule;
    }

    public RunHistoryModel history() {
        return history;
    }
}
