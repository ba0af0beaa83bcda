package dev.botops.maintenance;

import java.time.Duration;

/** Decides between batches whether a run goes on: cancelled, or the next batch would overrun the time budget. */
final class RunControl {
    private final CancelToken token;
    private final Duration budget;
    private final long startNanos = System.nanoTime();

    /** @param budget {@code null} for no time limit */
    RunControl(CancelToken token, Duration budget) {
        this.token = token;
        this.budget = budget;
    }

    /** The reason to stop before a step expected to take {@code next}, or {@code null} to go on. */
    Outcome stopReason(Duration next) {
        if (token.cancelled()) {
            return Outcome.CANCELLED;
        }
        if (budget != null && elapsed().plus(next).compareTo(budget) > 0) {
            return Outcome.BUDGET_REACHED;
        }
        return null;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    CancelToken token() {
        return token;
    }
}
