package dev.botops.bot;

import dev.botops.bot.telegram.BotApiException;
import dev.botops.monitor.AlertSink;
import dev.botops.monitor.Severity;
import dev.failsafe.RetryPolicy;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed Bot API call means for polling, and the alerts that go with it. Failures nobody answered (and
 * answers a proxy or a broken server gives) are retried with backoff; a 429 is waited out as asked; a storm of
 * 409s stops polling; only a rejected token (401) and a server without getUpdates (404) stop it at once. One
 * policy lives as long as its {@link BotService}: an alert raised by one polling run is resolved by the first
 * successful poll of a later one.
 */
final class FailurePolicy {
    private static final Logger log = LoggerFactory.getLogger(FailurePolicy.class);
    static final String CONFLICT_RULE = "bot-conflict";
    static final String WEBHOOK_RULE = "bot-webhook";
    static final String TOKEN_RULE = "bot-token";
    static final String NO_POLLING_RULE = "bot-no-getupdates";

    private final BotConfig config;
    private final AlertSink alerts;
    private final BotCounters counters;
    /** Alerts raised and not yet resolved; the first successful poll resolves them. Used on the polling thread only. */
    private final Set<String> raised = new LinkedHashSet<>();
    private int consecutiveConflicts;

    /** What to do after a failed poll. */
    record Verdict(Action action, BotState state, String reason, Duration delay) {
        enum Action {
            /** Poll again after {@link #delay()}. */
            RETRY,
            /** A webhook is in the way: apply the webhook policy again, then poll. */
            CHECK_WEBHOOK,
            /** Stop polling; the state says why, and the operator's retry starts again. */
            STOP
        }

        static Verdict retry(Duration delay, String reason) {
            return new Verdict(Action.RETRY, BotState.BACKING_OFF, reason, delay);
        }

        static Verdict stop(String reason) {
            return new Verdict(Action.STOP, BotState.CONFLICT, reason, Duration.ZERO);
        }
    }

    FailurePolicy(BotConfig config, AlertSink alerts, BotCounters counters) {
        this.config = config;
        this.alerts = alerts;
        this.counters = counters;
    }

    /**
     * Retries, with exponential backoff and jitter (at most {@code bot.maxBackoff}), a call that either got no
     * answer or one of the {@code kinds} given; {@code report} is told the state and reason after each failed attempt.
     */
    RetryPolicy<Object> retrying(Set<BotApiException.Kind> kinds, BiConsumer<BotState, String> report) {
        // Jitter adds up to a quarter, so the base backoff stops at 80 % of the ceiling.
        Duration ceiling = Duration.ofMillis(Math.max(1001, config.maxBackoff().toMillis() * 4 / 5));
        return RetryPolicy.builder()
                .handleIf(e -> e instanceof BotApiException && retried((BotApiException) e, kinds))
                .withBackoff(Duration.ofSeconds(1), ceiling)
                .withJitter(0.25)
                .withMaxRetries(-1)
                .onFailedAttempt(event -> {
                    BotApiException e = (BotApiException) event.getLastException();
                    counted(e);
                    report.accept(BotState.BACKING_OFF, describe(e) + "; retrying with backoff");
                    log.warn("Bot API call failed (attempt {}): {}", event.getAttemptCount(), e.getMessage());
                })
                .build();
    }

    private static boolean retried(BotApiException e, Set<BotApiException.Kind> kinds) {
        return e.kind() == BotApiException.Kind.NETWORK || kinds.contains(e.kind());
    }

    /** Counts a failure: an unreadable 2xx on its own counter, the rest as errors. */
    void counted(BotApiException e) {
        if (e.kind() == BotApiException.Kind.UNREADABLE) {
            counters.unreadableAnswer(e.getMessage());
        } else {
            counters.error(e.getMessage());
        }
    }

    /** "Unreachable" only when nobody answered; otherwise the failure's own words, which say what the server answered. */
    static String describe(BotApiException e) {
        return e.answered() ? e.getMessage() : "Telegram unreachable (" + e.getMessage() + ")";
    }

    /** A new polling run begins: conflicts are counted afresh. */
    void runStarted() {
        consecutiveConflicts = 0;
    }

    /** A poll succeeded: the conflict count starts again and every alert raised by a failure is resolved. */
    void pollSucceeded() {
        consecutiveConflicts = 0;
        for (String rule : raised) {
            alerts.resolve(rule);
        }
        raised.clear();
    }

    /** Decides what a failed getUpdates (after the retries of {@link #retrying}) means. */
    Verdict pollFailed(BotApiException e) {
        switch (e.kind()) {
            case CONFLICT:
                counters.conflict();
                consecutiveConflicts++;
                if (e.webhookConflict()) {
                    return consecutiveConflicts >= config.conflictLimit()
                            ? stop(WEBHOOK_RULE, "Polling stopped: a webhook is set for this bot and could not be removed (" + e.getMessage() + ")",
                            "Remove the webhook (deleteWebhook), then press Retry on the bot panel.")
                            : new Verdict(Verdict.Action.CHECK_WEBHOOK, BotState.BACKING_OFF, "A webhook is in the way of polling", Duration.ZERO);
                }
                if (consecutiveConflicts >= config.conflictLimit()) {
                    return stop(CONFLICT_RULE, "Polling stopped: Telegram answered 409 Conflict " + consecutiveConflicts
                            + " times in a row. Another process is polling with this bot token", "Find and stop the other bot instance "
                            + "(another server, a developer machine, CI) that uses this token, then press Retry on the bot panel.");
                }
                return Verdict.retry(config.conflictPause(), "Telegram answered 409 Conflict (" + consecutiveConflicts + " of "
                        + config.conflictLimit() + " in a row): another poller may be using this token");
            case TOO_MANY_REQUESTS:
                counters.rateLimited();
                return Verdict.retry(e.retryAfter(), "Telegram rate limit (429): waiting " + e.retryAfter().toSeconds() + " s as asked");
            case UNAUTHORIZED:
                return refuseToken(e);
            case NOT_FOUND:
                counters.error(e.getMessage());
                return stop(NO_POLLING_RULE, "Polling stopped: the Bot API server has no getUpdates at bot.api-url (" + e.getMessage() + ")",
                        "Check bot.api-url and the token: the server answered 404 Not Found to getUpdates.");
            default:
                counted(e);
                log.warn("getUpdates was rejected: {}", e.getMessage());
                return Verdict.retry(config.conflictPause(), "getUpdates rejected (" + e.getMessage() + ")");
        }
    }

    /** Telegram refused the token (401, on any call): nothing works until it is fixed. */
    Verdict refuseToken(BotApiException e) {
        counters.error(e.getMessage());
        return stop(TOKEN_RULE, "Polling stopped: Telegram rejected the bot token (" + e.getMessage() + ")",
                "Check TELEGRAM_BOT_TOKEN (it may have been revoked with @BotFather).");
    }

    /** Stops polling with a critical alert. */
    Verdict stop(String rule, String reason, String remedy) {
        log.error("{}", reason);
        raise(rule, Severity.CRITICAL, reason + ".", remedy);
        return Verdict.stop(reason);
    }

    /** Raises an alert that the first successful poll resolves. */
    void raise(String rule, Severity severity, String message, String remedy) {
        alerts.raise(rule, severity, message, remedy);
        raised.add(rule);
    }
}
