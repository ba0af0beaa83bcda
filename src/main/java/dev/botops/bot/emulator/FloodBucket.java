package dev.botops.bot.emulator;

import java.time.Duration;

/**
 * One token bucket of the emulator's flood control. The emulator must tell a rejected sender how long to
 * wait ({@code retry_after}), which a rate limiter that only grants or blocks cannot say; hence this small
 * bucket instead of a library limiter. Not thread-safe: the emulator calls it under its lock.
 */
final class FloodBucket {
    private final double capacity;
    private final long intervalNanos;
    private double tokens;
    private long refilledAt;

    FloodBucket(int capacity, Duration interval, long now) {
        this.capacity = capacity;
        this.intervalNanos = Math.max(1, interval.toNanos());
        this.tokens = capacity;
        this.refilledAt = now;
    }

    /** Zero when a message may go now (and takes the token), else how long until one may. */
    Duration take(long now) {
        refill(now);
        if (tokens >= 1) {
            tokens -= 1;
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil((1 - tokens) * intervalNanos));
    }

    /** Whether a message could go now, without taking a token. */
    boolean available(long now) {
        refill(now);
        return tokens >= 1;
    }

    /** Whether the bucket is full, i.e. it remembers nothing and can be forgotten. */
    boolean full(long now) {
        refill(now);
        return tokens >= capacity;
    }

    private void refill(long now) {
        long elapsed = now - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + (double) elapsed / intervalNanos);
            refilledAt = now;
        }
    }
}
