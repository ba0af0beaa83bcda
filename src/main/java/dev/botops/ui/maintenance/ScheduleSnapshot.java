package dev.botops.ui.maintenance;

import dev.botops.maintenance.SchedulerState;
import dev.botops.ui.common.RunsOn;
import java.util.List;

/**
 * The maintenance schedule as it runs, wherever it runs: this process's scheduler, or another instance's as its
 * heartbeat row reports it. Immutable; what a {@link MaintenanceSource} delivers.
 *
 * @param runsOn where it runs; {@link RunsOn#nowhere()} when it runs nowhere that is known ({@code note} says why)
 * @param paused jobs come due but do nothing until resumed
 * @param jobs   each job's next run (null when the schedule does not run) and last run with its outcome
 * @param note   why it does not run, for the operator; empty when it runs
 */
public record ScheduleSnapshot(RunsOn runsOn, boolean paused, List<SchedulerState.Job> jobs, String note) {
    public ScheduleSnapshot {
        jobs = List.copyOf(jobs);
        note = note == null ? "" : note;
    }
}
