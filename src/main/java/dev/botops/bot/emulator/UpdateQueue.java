package dev.botops.bot.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The updates waiting for the bot, with Telegram's getUpdates semantics: an offset confirms (deletes) every
 * update below it, a long poll waits until an update arrives or the timeout passes, and a newer getUpdates
 * terminates an older one still waiting (its caller gets 409 Conflict).
 */
final class UpdateQueue {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<ObjectNode> pending = new ArrayDeque<>();
    private long nextUpdateId;
    private long pollGeneration;
    private long confirmedBelow;
    private int activePolls;
    private boolean closed;

    UpdateQueue(long firstUpdateId) {
        this.nextUpdateId = firstUpdateId;
        this.confirmedBelow = firstUpdateId;
    }

    /** The outcome of one getUpdates call. */
    record Poll(List<ObjectNode> updates, boolean terminated) {
    }

    /** Appends updates built from consecutive ids, atomically (one long poll sees them all). */
    List<Long> append(List<java.util.function.LongFunction<ObjectNode>> builders) {
        lock.lock();
        try {
            List<Long> ids = new ArrayList<>();
            for (var builder : builders) {
                long id = nextUpdateId++;
                pending.addLast(builder.apply(id));
                ids.add(id);
            }
            changed.signalAll();
            return ids;
        } finally {
            lock.unlock();
        }
    }

    Poll poll(long offset, int limit, long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            confirm(offset);
            long generation = ++pollGeneration;
            changed.signalAll();
            activePolls++;
            try {
                long remaining = TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
                while (available(offset).isEmpty() && remaining > 0 && generation == pollGeneration && !closed) {
                    remaining = changed.awaitNanos(remaining);
                }
            } finally {
                activePolls--;
            }
            if (generation != pollGeneration) {
                return new Poll(List.of(), true);
            }
            List<ObjectNode> result = available(offset);
            return new Poll(result.size() > limit ? result.subList(0, limit) : result, false);
        } finally {
            lock.unlock();
        }
    }

    private void confirm(long offset) {
        if (offset <= 0) {
            return;
        }
        while (!pending.isEmpty() && pending.peekFirst().get("update_id").asLong() < offset) {
            pending.removeFirst();
        }
        confirmedBelow = Math.max(confirmedBelow, offset);
    }

    private List<ObjectNode> available(long offset) {
        List<ObjectNode> result = new ArrayList<>();
        for (ObjectNode update : pending) {
            if (update.get("update_id").asLong() >= offset) {
                result.add(update);
            }
        }
        return result;
    }

    int pendingCount() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the bot has confirmed every pending update (or they were dropped, or the queue closed).
     *
     * @return true when nothing is pending; false when the time ran out first
     */
    boolean awaitDrained(long timeoutNanos) throws InterruptedException {
        lock.lock();
        try {
            long remaining = timeoutNanos;
            while (!pending.isEmpty() && !closed && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
            return pending.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Every update below this id has been confirmed by a getUpdates offset. */
    long confirmedBelow() {
        lock.lock();
        try {
            return confirmedBelow;
        } finally {
            lock.unlock();
        }
    }

    int activePolls() {
        lock.lock();
        try {
            return activePolls;
        } finally {
            lock.unlock();
        }
    }

    /** Drops everything (deleteWebhook with drop_pending_updates). */
    void dropPending() {
        lock.lock();
        try {
            pending.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
