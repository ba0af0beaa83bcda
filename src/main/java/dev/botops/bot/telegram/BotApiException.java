package dev.botops.bot.telegram;

import java.time.Duration;

/**
 * A failed Bot API call, classified by what the caller should do about it. The message never contains the
 * token (it is masked where the failure is translated).
 */
public final class BotApiException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of failure, i.e. which remedy applies. */
    public enum Kind {
        /** 409: another poller uses the token, or a webhook is set. */
        CONFLICT,
        /** 429: wait {@link #retryAfter()}. */
        TOO_MANY_REQUESTS,
        /** 5xx or an unreadable answer: Telegram (or a proxy) is in trouble; back off and retry. */
        SERVER,
        /** No answer: connection refused, reset, timed out, dropped. Back off and retry. */
        NETWORK,
        /** 401/404: the token is wrong or revoked. Retrying does not help. */
        UNAUTHORIZED,
        /** Another 4xx: the request itself is wrong (e.g. chat not found). Retrying does not help. */
        REJECTED,
        /** The call was cancelled because the bot is stopping. */
        CANCELLED
    }

    private final Kind kind;
    private final int errorCode;
    private final transient Duration retryAfter;

    public BotApiException(Kind kind, int errorCode, Duration retryAfter, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.errorCode = errorCode;
        this.retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
    }

    public Kind kind() {
        return kind;
    }

    /** The Bot API error code (or HTTP status); 0 when there was no answer. */
    public int errorCode() {
        return errorCode;
    }

    /** For {@link Kind#TOO_MANY_REQUESTS}: how long Telegram asked us to wait. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Worth retrying after a backoff (server trouble or no answer). */
    public boolean transientFailure() {
        return kind == Kind.SERVER || kind == Kind.NETWORK;
    }

    /** 409 because a webhook is set (not because of another poller). */
    public boolean webhookConflict() {
        return kind == Kind.CONFLICT && String.valueOf(getMessage()).contains("webhook");
    }
}
