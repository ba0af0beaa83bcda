package dev.botops.app.desktop;

import dev.botops.maintenance.CleanupProgress;
import dev.botops.maintenance.MaintenanceService;
import dev.botops.maintenance.ProgressListener;
import dev.botops.maintenance.RunRecord;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.RunRequest;
import dev.botops.maintenance.SchedulerState;
import dev.botops.maintenance.StartResult;
import dev.botops.maintenance.Trigger;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.MonitorService;
import dev.botops.ui.common.CommandResult;
import dev.botops.ui.common.RunsOn;
import dev.botops.ui.maintenance.MaintenanceSource;
import dev.botops.ui.maintenance.ScheduleSnapshot;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The Maintenance screen's data from this process: runs started here (recorded as the dashboard's), the shared run
 * log, the monitor's snapshots, and this process's schedule, which runs here or, as far as this process knows,
 * nowhere.
 */
final class ServicesMaintenanceSource implements MaintenanceSource {
    /** How runs started on the dashboard appear in the run log. */
    static final String CALLER = "dashboard";
    static final String NOT_HERE = "Not running in this instance (another instance holds the bot lease and runs it, or "
            + "maintenance.scheduler-enabled is false).";

    private final MaintenanceService maintenance;
    private final MonitorService monitor;
    private final String instance;

    /** @param instance this instance's name ({@code app.instance-name}) */
    ServicesMaintenanceSource(MaintenanceService maintenance, MonitorService monitor, String instance) {
        this.maintenance = maintenance;
        this.monitor = monitor;
        this.instance = instance;
    }

    @Override
    public StartResult start(RunRequest request) {
        return maintenance.start(request, Trigger.MANUAL, CALLER);
    }

    @Override
    public boolean cancel(long runId) {
        return maintenance.cancel(runId);
    }

    @Override
    public Runnable subscribeProgress(Consumer<CleanupProgress> listener) {
        ProgressListener progress = listener::accept;
        maintenance.addProgressListener(progress);
        return () -> maintenance.removeProgressListener(progress);
    }

    @Override
    public List<RunRecord> runs(int limit) {
        return maintenance.runs(limit);
    }

    @Override
    public Optional<RunRecord> run(long runId) {
        return maintenance.run(runId);
    }

    @Override
    public Optional<RunReport> report(long runId) {
        return maintenance.report(runId);
    }

    @Override
    public Runnable subscribeSnapshots(Consumer<DatabaseSnapshot> listener) {
        monitor.addListener(listener);
        return () -> monitor.removeListener(listener);
    }

    @Override
    public Optional<DatabaseSnapshot> latestSnapshot() {
        return monitor.lastReachable();
    }

    @Override
    public ScheduleSnapshot schedule() {
        SchedulerState state = maintenance.schedulerState();
        return state.running() ? new ScheduleSnapshot(RunsOn.thisInstance(instance), state.paused(), state.jobs(), "")
                : new ScheduleSnapshot(RunsOn.nowhere(), state.paused(), state.jobs(), NOT_HERE);
    }

    @Override
    public CompletionStage<CommandResult> pauseSchedule() {
        maintenance.pauseSchedule();
        return CompletableFuture.completedFuture(CommandResult.accepted("Schedule paused."));
    }

    @Override
    public CompletionStage<CommandResult> resumeSchedule() {
        maintenance.resumeSchedule();
        return CompletableFuture.completedFuture(CommandResult.accepted("Schedule resumed."));
    }
}
