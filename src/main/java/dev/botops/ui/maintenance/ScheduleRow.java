package dev.botops.ui.maintenance;

import dev.botops.maintenance.SchedulerState;
import dev.botops.ui.common.Formats;

/** One job of the schedule: when it runs next, when it last ran and how that went. */
public record ScheduleRow(String job, String nextRun, String lastRun, String lastOutcome) {
    static ScheduleRow of(SchedulerState.Job j, ScheduleSnapshot schedule) {
        String next = schedule.runsOn().nowhereActive() || j.nextRun() == null ? "—"
                : schedule.paused() ? Formats.time(j.nextRun()) + " (paused: skipped)" : Formats.time(j.nextRun());
        String outcome = j.lastOutcome() == null ? "—" : j.lastOutcome().name() + (j.lastMessage() == null ? "" : ": " + j.lastMessage());
        return new ScheduleRow(RunReportText.jobName(j.kind()), next, Formats.time(j.lastRun()), outcome);
    }
}
