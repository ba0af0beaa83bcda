package dev.botops.http;

import java.time.Clock;
import java.time.Duration;

/** A token bucket: {@code capacity} requests at once, refilled at one per {@code interval}. Thread-safe. */
final class RateLimiter {
    private final Clock clock;
    private final int capacity;
    private final long intervalNanos;
    private double tokens;
    private long lastRefill;

    RateLimiter(Clock clock, int capacity, Duration interval) {
        this.clock = clock;
        this.capacity = capacity;
        this.intervalNanos = interval.toNanos();
        this.tokens = capacity;
        this.lastRefill = nanos();
    }

    /** Takes a token, or throws 429 with {@code Retry-After} in whole seconds. */
    synchronized void acquire(String what) {
        long now = nanos();
        tokens = Math.min(capacity, tokens + (now - lastRefill) / (double) intervalNanos);
        lastRefill = now;
        if (tokens >= 1) {
            tokens -= 1;
            return;
        }
        long waitNanos = (long) ((1 - tokens) * intervalNanos);
        long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
        throw new HttpError(429, "Too many " + what + " requests; try again in " + seconds + " s.",
                java.util.Map.of("Retry-After", Long.toString(seconds)));
    }

    private long nanos() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
