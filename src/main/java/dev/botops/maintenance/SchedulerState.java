package dev.botops.maintenance;

import java.time.Instant;
import java.util.List;

/** The scheduler as the dashboard shows it: on or off, paused or not, and each job's next run. */
public record SchedulerState(boolean running, boolean paused, List<Job> jobs) {
    public SchedulerState {
        jobs = List.copyOf(jobs);
    }

    /**
     * @param nextRun     {@code null} when the scheduler is not running
     * @param lastRun     when this scheduler last fired the job, or {@code null}
     * @param lastOutcome its outcome (SKIPPED when another run held the lock or the schedule was paused)
     * @param lastMessage why it was skipped or failed, or {@code null}
     */
    public record Job(RunKind kind, Instant nextRun, Instant lastRun, Outcome lastOutcome, String lastMessage) {
    }
}
