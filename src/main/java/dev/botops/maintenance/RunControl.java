package dev.botops.maintenance;

import java.time.Duration;

/**
 * Decides between batches whether a run goes on: cancelled, the next batch would overrun the time budget, or the
 * run no longer holds the maintenance lease (another instance may be running).
 */
final class RunControl {
    /** Whether the run still may run; checked at every batch boundary. */
    interface Guard {
        Guard ALWAYS = () -> null;

        /** Why the run must stop, or {@code null} to go on. */
        String lostReason();
    }

    private final CancelToken token;
    private final Duration budget;
    private final Guard guard;
    private final long startNanos = System.nanoTime();
    private volatile String lost;

    /** @param budget {@code null} for no time limit */
    RunControl(CancelToken token, Duration budget, Guard guard) {
        this.token = token;
        this.budget = budget;
        this.guard = guard;
    }

    /** The reason to stop before a step expected to take {@code next}, or {@code null} to go on. */
    Outcome stopReason(Duration next) {
        if (token.cancelled()) {
            return Outcome.CANCELLED;
        }
        String reason = guard.lostReason();
        if (reason != null) {
            lost = reason;
            return Outcome.FAILED;
        }
        if (budget != null && elapsed().plus(next).compareTo(budget) > 0) {
            return Outcome.BUDGET_REACHED;
        }
        return null;
    }

    /** Why the run stopped with {@link Outcome#FAILED} at a boundary (it lost its right to run), or {@code null}. */
    String lostReason() {
        return lost;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    CancelToken token() {
        return token;
    }
}
