package dev.botops.bot;

import dev.botops.bot.telegram.BotApiException;
import dev.botops.bot.telegram.TelegramGateway;
import dev.botops.db.DatabaseException;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedSupplier;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * One polling run, from activation to stop (or to a failure that needs the operator), run by {@link BotService}
 * on its one polling thread, so runs follow each other and never overlap. Unlike the library's loop, it confirms
 * an offset to Telegram only after the batch below it is committed and keeps the offset in the database.
 * What a failed call means is {@link FailurePolicy}'s to decide, the checks before polling are
 * {@link StartupChecks}', applying a batch is {@link UpdateDispatcher}'s.
 * {@link #stop} aborts an open long poll at once, lets the batch in hand finish and confirms the offset;
 * {@link #stepDown} does the same without the confirmation.
 */
final class PollingLoop implements Runnable, StartupChecks.Calls {
    private static final Logger log = LoggerFactory.getLogger(PollingLoop.class);
    private static final int BATCH_LIMIT = 100;
    private static final Duration DATABASE_PAUSE = Duration.ofSeconds(2);
    private static final String POLLING = "Polling Telegram";

    private final int number;
    private final BotConfig config;
    private final TelegramGateway gateway;
    private final BotOffsets offsets;
    private final StatusBoard board;
    private final BotCounters counters;
    private final FailurePolicy policy;
    private final StartupChecks checks;
    private final UpdateDispatcher dispatcher;
    private final RetryPolicy<Object> untilAnswered;
    private final RetryPolicy<Object> untilPolled;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    /** Guards {@link #stopping}, {@link #runner} and {@link #interruptible} against {@link #halt}. */
    private final Object phaseLock = new Object();
    private volatile boolean stopping;
    /** Stopped because the lease was lost: another instance may be polling, so no final getUpdates from here. */
    private volatile boolean skipConfirmation;
    /** The thread running this loop, while it runs. */
    private Thread runner;
    /** In a wait that {@link #halt} may interrupt; never during database work. */
    private boolean interruptible;
    private long confirmedOffset = -1;
    private String pollingReason = POLLING;

    /** @param number counts the service's runs, for the log */
    PollingLoop(int number, BotConfig config, TelegramGateway gateway, BotOffsets offsets, StatusBoard board, BotCounters counters,
                FailurePolicy policy, StartupChecks checks, UpdateDispatcher dispatcher) {
        this.number = number;
        this.config = config;
        this.gateway = gateway;
        this.offsets = offsets;
        this.board = board;
        this.counters = counters;
        this.policy = policy;
        this.checks = checks;
        this.dispatcher = dispatcher;
        this.untilAnswered = policy.retrying(Set.of(), this::report);
        // A 5xx or a 2xx the client cannot read gives no updates: like no answer, back off and fetch again.
        this.untilPolled = policy.retrying(Set.of(BotApiException.Kind.SERVER, BotApiException.Kind.UNREADABLE), this::report);
    }

    /**
     * Stops the loop (the operator's stop, a shutdown, a retry): aborts an open long poll; the batch in hand
     * finishes, the offset is stored and confirmed to Telegram. Does not wait: see {@link #awaitEnd}.
     */
    void stop() {
        halt();
    }

    /**
     * Stops the loop because this instance lost the lease: like {@link #stop} (the batch in hand still finishes
     * and its offset is stored for whoever polls next), but without the final getUpdates that would confirm the
     * offset, because another instance may own the token by now and that call would end its long poll with 409.
     */
    void stepDown() {
        skipConfirmation = true;
        halt();
    }

    private void halt() {
        synchronized (phaseLock) {
            stopping = true;
            if (interruptible && runner != null) {
                runner.interrupt();
            }
        }
        stopSignal.countDown();
        gateway.cancelPoll();
    }

    /** Waits at most {@code wait} for the loop to end (a loop that never started ends as soon as it is run). */
    boolean awaitEnd(Duration wait) {
        try {
            return ended.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean ended() {
        return ended.getCount() == 0;
    }

    @Override
    public void run() {
        long offset = -1;
        try {
            synchronized (phaseLock) {
                if (stopping) {
                    return;
                }
                runner = Thread.currentThread();
            }
            log.info("Polling run {} starts", number);
            policy.runStarted();
            offset = loadOffset();
            // Only an offset this loop advanced needs confirming to Telegram at the end.
            confirmedOffset = offset;
            if (offset < 0 || !checked(checks.beforePolling(this))) {
                return;
            }
            while (!stopping) {
                List<Update> batch;
                try {
                    report(BotState.POLLING, pollingReason);
                    batch = fetch(offset);
                } catch (BotApiException e) {
                    if (stopping || e.kind() == BotApiException.Kind.CANCELLED) {
                        continue;
                    }
                    if (!failed(e)) {
                        return;
                    }
                    continue;
                }
                confirmedOffset = offset;
                policy.pollSucceeded();
                if (!batch.isEmpty()) {
                    offset = dispatch(batch, offset);
                }
            }
        } catch (BotApiException e) {
            // Cancelled in the start-up checks: the loop is stopping.
            log.debug("Polling run {} stopped during its start-up checks: {}", number, e.getMessage());
        } catch (RuntimeException e) {
            counters.error("Polling failed unexpectedly: " + e.getMessage());
            log.error("The polling loop failed; polling stops", e);
            report(BotState.STOPPED, "Polling failed unexpectedly: " + e.getMessage());
        } finally {
            confirm(offset);
            synchronized (phaseLock) {
                runner = null;
                interruptible = false;
            }
            // The thread runs the service's next loop: no interrupt meant for this one may reach it.
            Thread.interrupted();
            ended.countDown();
        }
    }

    /** Whether the start-up checks let the bot poll; notes what went wrong in them in the polling state. */
    private boolean checked(StartupChecks.Outcome outcome) {
        if (!outcome.poll()) {
            report(outcome.stop().get().state(), outcome.stop().get().reason());
            return false;
        }
        if (!outcome.problems().isEmpty()) {
            pollingReason = POLLING + "; start-up checks incomplete: " + String.join("; ", outcome.problems());
        }
        return true;
    }

    /** Applies the failure policy's verdict on a failed poll; false when polling stops. */
    private boolean failed(BotApiException e) {
        FailurePolicy.Verdict verdict = policy.pollFailed(e);
        report(verdict.state(), verdict.reason());
        switch (verdict.action()) {
            case RETRY:
                pause(verdict.delay());
                return true;
            case CHECK_WEBHOOK:
                try {
                    StartupChecks.Outcome outcome = checks.webhookInTheWay(this);
                    if (!checked(outcome)) {
                        return false;
                    }
                    if (!outcome.problems().isEmpty()) {
                        pause(config.conflictPause());
                    }
                } catch (BotApiException cancelled) {
                    // Stopping: the loop ends.
                }
                return true;
            default:
                return false;
        }
    }

    private List<Update> fetch(long offset) throws BotApiException {
        return call(untilPolled, () -> gateway.getUpdates(Math.max(offset, 0), BATCH_LIMIT, config.pollTimeout()));
    }

    /** Applies a batch and stores the offset after it; on database trouble, the same offset to fetch the batch again. */
    private long dispatch(List<Update> batch, long offset) {
        long next;
        try {
            next = dispatcher.dispatch(batch, offset);
        } catch (UpdateDispatcher.BatchFailed e) {
            report(BotState.BACKING_OFF, "Database unavailable (" + e.getMessage() + "); retrying");
            pause(DATABASE_PAUSE);
            return offset;
        }
        if (next > offset) {
            saveOffset(next);
            return next;
        }
        return offset;
    }

    @Override
    public <T> T untilAnswered(StartupChecks.Call<T> call) throws BotApiException {
        return call(untilAnswered, call);
    }

    /** A Bot API call with retries, which {@link #halt} interrupts; a stopped loop's call is {@link BotApiException.Kind#CANCELLED}. */
    private <T> T call(RetryPolicy<Object> retry, StartupChecks.Call<T> call) throws BotApiException {
        if (!enterInterruptible()) {
            throw new BotApiException(BotApiException.Kind.CANCELLED, 0, null, "stopping", null);
        }
        try {
            return Failsafe.with(retry).get((CheckedSupplier<T>) call::call);
        } catch (FailsafeException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BotApiException) {
                throw (BotApiException) cause;
            }
            throw new BotApiException(BotApiException.Kind.CANCELLED, 0, null, "interrupted", null);
        } finally {
            leaveInterruptible();
        }
    }

    /** Marks the start of a wait that {@link #halt} may interrupt; false when the loop is already stopping. */
    private boolean enterInterruptible() {
        synchronized (phaseLock) {
            if (stopping) {
                return false;
            }
            interruptible = true;
            return true;
        }
    }

    private void leaveInterruptible() {
        synchronized (phaseLock) {
            interruptible = false;
            // An interrupt meant for the wait must not hit the database work that follows.
            Thread.interrupted();
        }
    }

    private long loadOffset() {
        while (!stopping) {
            try {
                return offsets.load();
            } catch (DatabaseException e) {
                counters.error("Database unavailable: " + e.getMessage());
                report(BotState.BACKING_OFF, "Database unavailable (" + e.getMessage() + "); retrying");
                pause(DATABASE_PAUSE);
            }
        }
        return -1;
    }

    private void saveOffset(long offset) {
        try {
            offsets.save(offset);
        } catch (DatabaseException e) {
            // Harmless: the next getUpdates confirms it to Telegram; after a crash the batch is recognised.
            log.warn("Could not store the bot offset {}", offset, e);
        }
    }

    /**
     * Tells Telegram about the last offset if the loop processed updates it has not confirmed yet, unless it
     * stepped down: then the stored offset is what the next poller (here or elsewhere) starts from.
     */
    private void confirm(long offset) {
        if (offset <= 0 || offset == confirmedOffset) {
            return;
        }
        if (skipConfirmation) {
            log.info("Stepped down: offset {} is stored but not confirmed to Telegram (another instance may be polling)", offset);
            return;
        }
        boolean interrupted = Thread.interrupted();
        try {
            gateway.getUpdates(offset, 1, Duration.ZERO);
            confirmedOffset = offset;
        } catch (BotApiException e) {
            log.info("Could not confirm offset {} to Telegram ({}); it is stored and used at the next start", offset, e.getMessage());
        } catch (InterruptedException e) {
            interrupted = true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Shows a state; a stopping loop no longer does: the service that stopped it owns the state now. */
    private void report(BotState state, String reason) {
        synchronized (phaseLock) {
            if (!stopping) {
                board.set(state, reason);
            }
        }
    }

    private void pause(Duration duration) {
        try {
            stopSignal.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // Only halt() interrupts this thread, and it has set stopping: the loop ends.
            Thread.currentThread().interrupt();
        }
    }
}
