package dev.botops.maintenance;

import java.time.Duration;

/**
 * Where a running cleanup stands, for progress bars: an immutable snapshot sent after every batch and
 * every dropped partition.
 *
 * @param table              the table being worked on now
 * @param rowsExpected       rows the run found expired when it started (its plan)
 * @param rowsPerSecond      deletion rate since the run started
 * @param estimatedRemaining at the current rate; {@code null} until a rate is known
 * @param lastStep           how long the last batch (or partition drop) took; zero before the first
 * @param lastTarget         the table or partition the last step worked on; empty before the first
 * @param lastWasDrop        the last step dropped a whole partition (rather than deleting a batch of rows)
 */
public record CleanupProgress(long runId, RunKind kind, String table, long rowsDeleted, long rowsExpected, long batches,
                              double rowsPerSecond, Duration elapsed, Duration estimatedRemaining, Duration lastStep,
                              String lastTarget, boolean lastWasDrop) {
    public long rowsRemaining() {
        return Math.max(0, rowsExpected - rowsDeleted);
    }

    /** 0..1 for a progress bar. */
    public double fraction() {
        return rowsExpected == 0 ? 1.0 : Math.min(1.0, (double) rowsDeleted / rowsExpected);
    }
}
