package dev.botops.maintenance;

/** How a run ended, as stored in {@code maintenance_runs.outcome}. */
public enum Outcome {
    RUNNING,
    SUCCEEDED,
    /** The time budget ran out; every finished batch is committed and the next run continues. */
    BUDGET_REACHED,
    CANCELLED,
    FAILED,
    /** Not run because another run held the guard or the maintenance lease; the error column says which. */
    SKIPPED,
    /** The process stopped mid-run (killed, power loss); found and closed by the next run. */
    INTERRUPTED;

    /** True for outcomes that mean something went wrong and deserve an alert. */
    public boolean failed() {
        return this == FAILED || this == INTERRUPTED;
    }
}
