package dev.botops.bot;

import dev.botops.lease.LeaseHolder;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Holds the bot's current state and tells listeners when it changes. */
final class StatusBoard {
    private static final Logger log = LoggerFactory.getLogger(StatusBoard.class);

    private final BotCounters counters;
    private final boolean sandbox;
    private final IntSupplier sendQueue;
    private final List<Consumer<BotStatus>> listeners = new CopyOnWriteArrayList<>();
    private BotState state = BotState.STOPPED;
    private String reason = "Not started";
    private Optional<LeaseHolder> holder = Optional.empty();
    private String username = "";
    private Instant since = Instant.now();

    StatusBoard(BotCounters counters, boolean sandbox, IntSupplier sendQueue) {
        this.counters = counters;
        this.sandbox = sandbox;
        this.sendQueue = sendQueue;
    }

    void set(BotState newState, String newReason) {
        BotStatus snapshot;
        synchronized (this) {
            if (newState == state && newReason.equals(reason)) {
                return;
            }
            if (newState != state) {
                since = Instant.now();
                log.info("Bot state {} -> {}: {}", state, newState, newReason);
            }
            state = newState;
            reason = newReason;
            snapshot = snapshot();
        }
        publish(snapshot);
    }

    void holder(Optional<LeaseHolder> activeHolder) {
        synchronized (this) {
            holder = activeHolder;
        }
    }

    synchronized void username(String name) {
        username = name == null ? "" : name;
    }

    /** The bot's username, or null while it is not known (getMe failed): then no command counts as meant for another bot. */
    synchronized String knownUsername() {
        return username.isEmpty() ? null : username;
    }

    synchronized BotState state() {
        return state;
    }

    synchronized BotStatus snapshot() {
        BotCounters.LastError last = counters.lastError();
        return new BotStatus(state, reason, holder, username, sandbox, counters.updates.get(), counters.errors.get(),
                counters.conflicts.get(), counters.rateLimited.get(), since, counters.updatesLastMinute(), sendQueue.getAsInt(),
                counters.unreadableAnswers.get(), last == null ? "" : last.text(),
                last == null ? Optional.empty() : Optional.of(last.at()));
    }

    void addListener(Consumer<BotStatus> listener) {
        listeners.add(listener);
    }

    private void publish(BotStatus snapshot) {
        for (Consumer<BotStatus> listener : listeners) {
            try {
                listener.accept(snapshot);
            } catch (RuntimeException e) {
                log.warn("A bot status listener failed", e);
            }
        }
    }
}
