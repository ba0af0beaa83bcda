package dev.botops.bot;

import dev.botops.config.Secrets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The bot's counters; incremented from several threads, read into {@link BotStatus} snapshots. */
public final class BotCounters {
    final AtomicLong updates = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong conflicts = new AtomicLong();
    final AtomicLong rateLimited = new AtomicLong();
    final AtomicLong unreadableAnswers = new AtomicLong();
    private final AtomicReference<LastError> lastError = new AtomicReference<>();
    private final PerMinute updatesPerMinute = new PerMinute();

    /** The latest error's text (masked) and when it happened. */
    record LastError(String text, Instant at) {
    }

    public void update() {
        updates.incrementAndGet();
        updatesPerMinute.add(System.nanoTime());
    }

    public void error() {
        errors.incrementAndGet();
    }

    /** An error, remembered as the latest one; the text is masked here, whoever wrote it. */
    public void error(String description) {
        errors.incrementAndGet();
        lastError.set(new LastError(Secrets.redact(description), Instant.now()));
    }

    public void conflict() {
        conflicts.incrementAndGet();
    }

    public void rateLimited() {
        rateLimited.incrementAndGet();
    }

    /**
     * A 2xx answer the client could not read: the request was carried out (a message sent), so it is not an error
     * to retry; counted on its own, and remembered as the latest error so the operator sees what the server sent.
     */
    public void unreadableAnswer(String description) {
        unreadableAnswers.incrementAndGet();
        lastError.set(new LastError(Secrets.redact(description), Instant.now()));
    }

    /** The latest error, or null when there was none. */
    LastError lastError() {
        return lastError.get();
    }

    /** Updates processed in the last 60 s. */
    long updatesLastMinute() {
        return updatesPerMinute.count(System.nanoTime());
    }

    /** Counts events in one-second buckets over the last 60 seconds. */
    private static final class PerMinute {
        private static final int SECONDS = 60;
        private static final long SECOND = 1_000_000_000L;
        private final long[] second = new long[SECONDS];
        private final long[] count = new long[SECONDS];

        synchronized void add(long nanos) {
            long s = nanos / SECOND;
            int slot = (int) Math.floorMod(s, (long) SECONDS);
            if (second[slot] != s) {
                second[slot] = s;
                count[slot] = 0;
            }
            count[slot]++;
        }

        synchronized long count(long nanos) {
            long now = nanos / SECOND;
            long total = 0;
            for (int i = 0; i < SECONDS; i++) {
                if (now - second[i] < SECONDS && count[i] > 0) {
                    total += count[i];
                }
            }
            return total;
        }
    }
}
