package dev.botops.ui.maintenance;

import dev.botops.maintenance.CleanupProgress;
import dev.botops.maintenance.RunRecord;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.RunRequest;
import dev.botops.maintenance.StartResult;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.ui.common.CommandResult;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What the Maintenance screen reads and asks. Runs started on the screen run in this process (as the command line
 * runs them where it is started); the run log is the one every instance shares; the schedule is the one that runs,
 * in this process or in another instance. Every method may block (a lock, a query, a row to write): view models call
 * them through their task executor, and the subscriptions deliver on service threads.
 */
public interface MaintenanceSource {
    /** Starts a run here, recorded as the dashboard's; its report arrives through {@link StartResult#completion()}. */
    StartResult start(RunRequest request);

    /** Asks the run to stop after the batch in flight; false when it is no longer running. */
    boolean cancel(long runId);

    /** Delivers the progress of the runs in this process; returns how to stop. */
    Runnable subscribeProgress(Consumer<CleanupProgress> listener);

    /** The newest runs first, whoever started them. */
    List<RunRecord> runs(int limit);

    Optional<RunRecord> run(long runId);

    /** A finished run's full report. */
    Optional<RunReport> report(long runId);

    /** Delivers every database snapshot (the tables and the free quota VACUUM needs); returns how to stop. */
    Runnable subscribeSnapshots(Consumer<DatabaseSnapshot> listener);

    Optional<DatabaseSnapshot> latestSnapshot();

    /** The schedule that runs, and where. */
    ScheduleSnapshot schedule();

    /** Scheduled jobs still come due but do nothing until resumed. */
    CompletionStage<CommandResult> pauseSchedule();

    CompletionStage<CommandResult> resumeSchedule();
}
