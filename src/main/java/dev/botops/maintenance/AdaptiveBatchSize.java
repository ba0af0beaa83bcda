package dev.botops.maintenance;

import java.time.Duration;

/**
 * Steers the batch size so that one batch takes about the target duration: short transactions, short
 * locks, and as many rows per second as that allows. Changes at most by a factor of two per batch, so one
 * slow batch (a checkpoint, a cold cache) does not collapse the rate.
 */
final class AdaptiveBatchSize {
    static final int MIN = 100;
    static final int MAX = 100_000;

    private final long targetNanos;
    private int size;

    AdaptiveBatchSize(int initial, Duration target) {
        this.targetNanos = Math.max(1, target.toNanos());
        this.size = clamp(initial);
    }

    int size() {
        return size;
    }

    /** Adapts to a batch of {@code asked} rows that went through {@code rows} in {@code took}. */
    void observe(int rows, int asked, Duration took) {
        double factor = (double) targetNanos / Math.max(1, took.toNanos());
        factor = Math.max(0.5, Math.min(2.0, factor));
        if (factor > 1 && rows < asked) {
            return; // a short batch says nothing about how many more rows would still fit in the target
        }
        size = clamp(Math.round(asked * factor));
    }

    /** The last batch hit statement_timeout: start again much smaller. */
    void timedOut() {
        size = clamp(size / 4);
    }

    private static int clamp(long value) {
        return (int) Math.max(MIN, Math.min(MAX, value));
    }
}
