package dev.botops.bot;

import dev.botops.bot.telegram.BotApiException;
import dev.botops.bot.telegram.TelegramGateway;
import dev.botops.bot.trading.IncomingMessage;
import dev.botops.bot.trading.UpdateProcessor;
import dev.botops.concurrent.Threads;
import dev.botops.config.ConfigKey;
import dev.botops.db.DatabaseException;
import dev.botops.monitor.AlertSink;
import dev.botops.monitor.Severity;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.CheckedSupplier;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.WebhookInfo;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/**
 * One run of the bot's own polling loop, from activation to stop (or to a conflict that needs the operator).
 * Unlike the library's loop, it confirms an offset to Telegram only after the batch below it is committed,
 * keeps the offset in the database, backs off exponentially (with jitter, at most {@code maxBackoff}) on
 * network and 5xx failures, waits out {@code retry_after} on 429, and stops polling after a storm of 409s.
 * {@link #stop} aborts an open long poll at once, lets the batch in hand finish and confirms the offset;
 * {@link #stepDown} does the same without the confirmation. A loop does nothing until every earlier loop of its
 * service has ended, so one process never has two loops talking to Telegram.
 */
final class PollingLoop {
    private static final Logger log = LoggerFactory.getLogger(PollingLoop.class);
    static final String CONFLICT_RULE = "bot-conflict";
    static final String WEBHOOK_RULE = "bot-webhook";
    static final String TOKEN_RULE = "bot-token";
    static final String APOLOGY = "Sorry, something went wrong with that command; nothing was changed. Please try again later.";
    private static final int BATCH_LIMIT = 100;

    private final BotConfig config;
    private final TelegramGateway gateway;
    private final UpdateProcessor processor;
    private final OutgoingSender sender;
    private final BotOffsets offsets;
    private final StatusBoard board;
    private final BotCounters counters;
    private final AlertSink alerts;
    private final ExecutorService workers;
    private final AnsweredUpdates answered;
    private final Thread thread;
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final Object phaseLock = new Object();
    private final RetryPolicy<Object> transientRetry;
    /** 1 for a service's first loop, then counting: names the thread, so a log tells consecutive loops apart. */
    private final int generation;
    /** The loop started before this one; null once every earlier loop has ended. */
    private volatile PollingLoop predecessor;
    private volatile boolean stopping;
    /** Stopped because the lease was lost: another instance may be polling, so no final getUpdates from here. */
    private volatile boolean skipConfirmation;
    /** In a wait that {@link #stop} may interrupt; never during database work. */
    private boolean interruptible;
    private long confirmedOffset = -1;
    private boolean webhookAlertRaised;
    private boolean conflictAlertRaised;

    /**
     * @param predecessor the service's previous loop, possibly still finishing its batch after a stop that timed
     *                    out; this loop waits for it (and for any loop before it) before it does anything
     */
    PollingLoop(BotConfig config, TelegramGateway gateway, UpdateProcessor processor, OutgoingSender sender, BotOffsets offsets,
                StatusBoard board, BotCounters counters, AlertSink alerts, ExecutorService workers, AnsweredUpdates answered,
                boolean conflictAlertRaised, PollingLoop predecessor) {
        this.config = config;
        this.gateway = gateway;
        this.processor = processor;
        this.sender = sender;
        this.offsets = offsets;
        this.board = board;
        this.counters = counters;
        this.alerts = alerts;
        this.workers = workers;
        this.answered = answered;
        this.conflictAlertRaised = conflictAlertRaised;
        this.predecessor = predecessor;
        this.generation = predecessor == null ? 1 : predecessor.generation + 1;
        // Jitter adds up to a quarter, so the base backoff stops at 80 % of the ceiling.
        Duration ceiling = Duration.ofMillis(Math.max(1001, config.maxBackoff().toMillis() * 4 / 5));
        this.transientRetry = RetryPolicy.builder()
                .handleIf(e -> e instanceof BotApiException && ((BotApiException) e).transientFailure())
                .withBackoff(Duration.ofSeconds(1), ceiling)
                .withJitter(0.25)
                .withMaxRetries(-1)
                .onFailedAttempt(event -> {
                    counters.error();
                    report(BotState.BACKING_OFF, "Telegram unreachable (" + event.getLastException().getMessage()
                            + "); retrying with backoff");
                    log.warn("Bot API call failed (attempt {}): {}", event.getAttemptCount(), event.getLastException().getMessage());
                })
                .build();
        this.thread = Threads.daemon("bot-poll-" + generation).newThread(this::run);
    }

    void start() {
        thread.start();
    }

    /** Whether this run ended in a conflict alert the next run must resolve once polling works. */
    boolean conflictAlertRaised() {
        return conflictAlertRaised;
    }

    /**
     * Stops the loop (the operator's stop, a shutdown, a retry): aborts an open long poll, finishes the batch in
     * hand, stores the offset and confirms it to Telegram. Waits for the loop's thread at most {@code wait}.
     */
    void stop(Duration wait) {
        halt(wait);
    }

    /**
     * Stops the loop because this instance lost the lease: like {@link #stop} (the batch in hand still finishes
     * and its offset is stored for whoever polls next), but without the final getUpdates that would confirm the
     * offset, because another instance may own the token by now and that call would end its long poll with 409.
     */
    void stepDown(Duration wait) {
        skipConfirmation = true;
        halt(wait);
    }

    private void halt(Duration wait) {
        stopping = true;
        stopSignal.countDown();
        gateway.cancelPoll();
        synchronized (phaseLock) {
            if (interruptible) {
                thread.interrupt();
            }
        }
        try {
            thread.join(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("The polling loop did not stop within {} ms", wait.toMillis());
        }
    }

    boolean alive() {
        return thread.isAlive();
    }

    private void run() {
        long offset = -1;
        try {
            if (!awaitEarlierLoops()) {
                return;
            }
            offset = loadOffset();
            // Only an offset this loop advanced needs confirming to Telegram at the end.
            confirmedOffset = offset;
            if (offset < 0 || !prepare()) {
                return;
            }
            int consecutiveConflicts = 0;
            while (!stopping) {
                List<Update> batch;
                try {
                    // A network outage keeps BACKING_OFF through Failsafe's retries until a poll succeeds.
                    report(BotState.POLLING, "Polling Telegram");
                    batch = fetch(offset);
                } catch (BotApiException e) {
                    if (stopping || e.kind() == BotApiException.Kind.CANCELLED) {
                        continue;
                    }
                    if (e.kind() == BotApiException.Kind.CONFLICT) {
                        counters.conflict();
                        if (e.webhookConflict()) {
                            if (!prepare()) {
                                return;
                            }
                            continue;
                        }
                        consecutiveConflicts++;
                        if (consecutiveConflicts >= config.conflictLimit()) {
                            enterConflict(consecutiveConflicts);
                            return;
                        }
                        report(BotState.BACKING_OFF, "Telegram answered 409 Conflict (" + consecutiveConflicts + " of "
                                + config.conflictLimit() + " in a row): another poller may be using this token");
                        pause(config.conflictPause());
                        continue;
                    }
                    if (e.kind() == BotApiException.Kind.TOO_MANY_REQUESTS) {
                        counters.rateLimited();
                        report(BotState.BACKING_OFF, "Telegram rate limit (429): waiting " + e.retryAfter().toSeconds() + " s as asked");
                        pause(e.retryAfter());
                        continue;
                    }
                    if (e.kind() == BotApiException.Kind.UNAUTHORIZED) {
                        refuseToken(e);
                        return;
                    }
                    counters.error();
                    log.warn("getUpdates was rejected: {}", e.getMessage());
                    report(BotState.BACKING_OFF, "getUpdates rejected (" + e.getMessage() + ")");
                    pause(config.conflictPause());
                    continue;
                }
                confirmedOffset = offset;
                consecutiveConflicts = 0;
                pollSucceeded();
                if (batch.isEmpty()) {
                    continue;
                }
                long next = process(batch, offset);
                if (next > offset) {
                    offset = next;
                    saveOffset(offset);
                }
            }
        } catch (RuntimeException e) {
            counters.error();
            log.error("The polling loop failed; polling stops", e);
            report(BotState.STOPPED, "Polling failed unexpectedly: " + e.getMessage());
        } finally {
            confirm(offset);
        }
    }

    /**
     * Waits until no earlier loop of the service is running. A loop stopped while stuck in the database work of its
     * batch (an outage longer than the lease) can outlive {@link #stop}'s wait; polling beside it would make two
     * pollers in one process. False when this loop was stopped meanwhile.
     */
    private boolean awaitEarlierLoops() {
        PollingLoop earlier;
        while ((earlier = runningEarlierLoop()) != null) {
            log.info("Waiting for the previous polling loop to finish its batch before polling");
            report(BotState.BACKING_OFF, "Waiting for the previous polling loop to finish its batch");
            if (!enterInterruptible()) {
                return false;
            }
            try {
                earlier.thread.join();
            } catch (InterruptedException e) {
                // Only stop() interrupts this thread, and stopping is already set: the loop ends.
                return false;
            } finally {
                leaveInterruptible();
            }
        }
        // Every earlier loop has ended; let them be collected.
        predecessor = null;
        return !stopping;
    }

    /** The newest earlier loop whose thread is still running, or null. */
    private PollingLoop runningEarlierLoop() {
        // A loop stopped while it was still waiting ended before the loops it waited for: look past it.
        for (PollingLoop p = predecessor; p != null; p = p.predecessor) {
            if (p.thread.isAlive()) {
                return p;
            }
        }
        return null;
    }

    /** Learns the bot's name and applies the webhook policy; false when the loop must not poll. */
    private boolean prepare() {
        try {
            User me = withTransientRetry(gateway::getMe);
            board.username(me.getUserName());
            WebhookInfo webhook = withTransientRetry(gateway::webhookInfo);
            String url = webhook.getUrl() == null ? "" : webhook.getUrl();
            if (url.isEmpty()) {
                return true;
            }
            String shown = describeWebhook(url);
            if (config.webhookPolicy() == ConfigKey.WebhookPolicy.REFUSE) {
                String reason = "A webhook is set (" + shown + ") and bot.webhook-policy is 'refuse': the bot does not poll";
                log.error("{}", reason);
                alerts.raise(WEBHOOK_RULE, Severity.CRITICAL, reason + ".",
                        "Remove the webhook (deleteWebhook) or set bot.webhook-policy=delete, then retry the bot.");
                report(BotState.CONFLICT, reason);
                return false;
            }
            withTransientRetry(() -> {
                gateway.deleteWebhook();
                return Boolean.TRUE;
            });
            log.warn("Removed the webhook ({}) that was set for this bot, so that polling works", shown);
            alerts.raise(WEBHOOK_RULE, Severity.WARNING, "A webhook (" + shown + ") was set for this bot; it was removed so that polling works.",
                    "Something else was configured to receive this bot's updates by webhook. Check other deployments using this token.");
            webhookAlertRaised = true;
            return true;
        } catch (BotApiException e) {
            if (e.kind() == BotApiException.Kind.UNAUTHORIZED) {
                refuseToken(e);
            } else if (!stopping && e.kind() != BotApiException.Kind.CANCELLED) {
                log.warn("Could not prepare polling: {}", e.getMessage());
                report(BotState.BACKING_OFF, "Could not prepare polling: " + e.getMessage());
                pause(config.conflictPause());
                return !stopping && prepare();
            }
            return false;
        }
    }

    /** Scheme and host only: a webhook URL often carries the token or a secret in its path. */
    static String describeWebhook(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPath() == null || uri.getPath().isEmpty() ? "" : "/…");
        } catch (IllegalArgumentException e) {
            return "an unparsable URL";
        }
    }

    private List<Update> fetch(long offset) throws BotApiException {
        return withTransientRetry(() -> gateway.getUpdates(Math.max(offset, 0), BATCH_LIMIT, config.pollTimeout()));
    }

    private <T> T withTransientRetry(Call<T> call) throws BotApiException {
        if (!enterInterruptible()) {
            throw new BotApiException(BotApiException.Kind.CANCELLED, 0, null, "stopping", null);
        }
        try {
            return Failsafe.with(transientRetry).get((CheckedSupplier<T>) call::call);
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

    /** Marks the start of a wait that stop() may interrupt; false when the loop is already stopping. */
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

    @FunctionalInterface
    private interface Call<T> {
        T call() throws BotApiException, InterruptedException;
    }

    private void pollSucceeded() {
        if (conflictAlertRaised) {
            alerts.resolve(CONFLICT_RULE);
            conflictAlertRaised = false;
        }
        if (webhookAlertRaised) {
            alerts.resolve(WEBHOOK_RULE);
            webhookAlertRaised = false;
        }
    }

    private void enterConflict(int conflicts) {
        String reason = "Polling stopped: Telegram answered 409 Conflict " + conflicts + " times in a row. Another process "
                + "is polling with this bot token";
        log.error("{}", reason);
        alerts.raise(CONFLICT_RULE, Severity.CRITICAL, reason + ".",
                "Find and stop the other bot instance (another server, a developer machine, CI) that uses this token, "
                        + "then press Retry on the bot panel.");
        conflictAlertRaised = true;
        report(BotState.CONFLICT, reason);
    }

    private void refuseToken(BotApiException e) {
        String reason = "Telegram rejected the bot token (" + e.getMessage() + "); polling stopped";
        log.error("{}", reason);
        alerts.raise(TOKEN_RULE, Severity.CRITICAL, reason + ".", "Check TELEGRAM_BOT_TOKEN (it may have been revoked with @BotFather).");
        report(BotState.CONFLICT, reason);
    }

    /**
     * Processes a batch: updates of one user in order, different users in parallel. Returns the next offset,
     * or the current one when the database failed (the batch is fetched again after a backoff, and what was
     * already committed is recognised then).
     */
    private long process(List<Update> batch, long offset) {
        Map<Long, List<IncomingMessage>> byUser = new LinkedHashMap<>();
        long maxId = offset - 1;
        for (Update update : batch) {
            maxId = Math.max(maxId, update.getUpdateId());
            IncomingMessage message = incoming(update);
            if (message == null) {
                counters.update();
                continue;
            }
            byUser.computeIfAbsent(message.userId(), id -> new ArrayList<>()).add(message);
        }
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (List<IncomingMessage> messages : byUser.values()) {
            work.add(CompletableFuture.runAsync(() -> messages.forEach(this::handle), workers));
        }
        try {
            CompletableFuture.allOf(work.toArray(new CompletableFuture[0])).join();
            return maxId + 1;
        } catch (CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            counters.error();
            log.warn("Database trouble while processing updates; the batch will be fetched again: {}", cause.getMessage());
            report(BotState.BACKING_OFF, "Database unavailable (" + cause.getMessage() + "); retrying");
            pause(Duration.ofSeconds(2));
            return offset;
        }
    }

    /** Text messages become commands; edited messages and messages without text are ignored. */
    static IncomingMessage incoming(Update update) {
        if (!update.hasMessage()) {
            return null;
        }
        Message message = update.getMessage();
        if (!message.hasText() || message.getFrom() == null) {
            return null;
        }
        return new IncomingMessage(update.getUpdateId(), message.getChatId(), message.getFrom().getId(),
                message.getFrom().getFirstName(), message.getText());
    }

    private void handle(IncomingMessage message) {
        UpdateProcessor.Outcome outcome;
        try {
            outcome = processor.process(message);
        } catch (DatabaseException e) {
            if (e.kind() != DatabaseException.Kind.FAILED) {
                throw e;
            }
            outcome = skipBroken(message, e);
        } catch (RuntimeException e) {
            outcome = skipBroken(message, e);
        }
        counters.update();
        if (outcome.reply() != null && answered.firstAnswer(message.updateId())) {
            sender.send(message.chatId(), outcome.reply(), OutgoingSender.Lane.USER);
        }
    }

    /** A permanent failure (a bug, a constraint): the update is recorded with an apology so the bot moves on. */
    private UpdateProcessor.Outcome skipBroken(IncomingMessage message, RuntimeException e) {
        counters.error();
        log.error("Update {} could not be processed and is skipped", message.updateId(), e);
        return processor.recordFailure(message, APOLOGY);
    }

    private long loadOffset() {
        while (!stopping) {
            try {
                return offsets.load();
            } catch (DatabaseException e) {
                counters.error();
                report(BotState.BACKING_OFF, "Database unavailable (" + e.getMessage() + "); retrying");
                pause(Duration.ofSeconds(2));
            }
        }
        return -1;
    }

    private void saveOffset(long offset) {
        try {
            offsets.save(offset);
        } catch (DatabaseException e) {
            // Harmless: the next getUpdates confirms it to Telegram; after a crash the batch is recognised.
            log.warn("Could not store the bot offset {}: {}", offset, e.getMessage());
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

    /** Shows a state; a stopping loop no longer does, the service that stopped it owns the state now. */
    private void report(BotState state, String reason) {
        if (!stopping) {
            board.set(state, reason);
        }
    }

    private void pause(Duration duration) {
        try {
            stopSignal.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            // Only stop() interrupts this thread; the loop sees stopping and ends.
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }
}
