package dev.botops.bot;

import java.util.concurrent.atomic.AtomicLong;

/** The bot's counters; incremented from several threads, read into {@link BotStatus} snapshots. */
public final class BotCounters {
    final AtomicLong updates = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    final AtomicLong conflicts = new AtomicLong();
    final AtomicLong rateLimited = new AtomicLong();

    public void update() {
        updates.incrementAndGet();
    }

    public void error() {
        errors.incrementAndGet();
    }

    public void conflict() {
        conflicts.incrementAndGet();
    }

    public void rateLimited() {
        rateLimited.incrementAndGet();
    }
}
