package dev.botops.bot.telegram;

import java.time.Duration;

/**
 * A failed Bot API call, classified by what the caller should do about it. The message says what the server
 * answered (the Bot API error, or the HTTP status and the first bytes of an answer the client could not read),
 * or that nobody answered; it never contains the token (masked where the failure is translated).
 */
public final class BotApiException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of failure, i.e. which remedy applies. */
    public enum Kind {
        /** 409: another poller uses the token, or a webhook is set. */
        CONFLICT,
        /** 429: wait {@link #retryAfter()}. */
        TOO_MANY_REQUESTS,
        /** 5xx, or a non-2xx answer that is not the Bot API's: Telegram (or a proxy) is in trouble; back off and retry. */
        SERVER,
        /** No answer: connection refused, reset, timed out, dropped. Back off and retry. */
        NETWORK,
        /** 401: the token is wrong or revoked. Retrying does not help. */
        UNAUTHORIZED,
        /** 404: the server has no such method at this URL (or the token is malformed). */
        NOT_FOUND,
        /**
         * A 2xx answer the client could not read (not JSON, cut off, a required field missing). The server
         * carried the request out: a message sent this way must not be sent again.
         */
        UNREADABLE,
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

    /** The Bot API error code, or the HTTP status of an answer that had none; 0 when there was no answer. */
    public int errorCode() {
        return errorCode;
    }

    /** For {@link Kind#TOO_MANY_REQUESTS}: how long Telegram asked us to wait. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whether the server answered at all: false only for a connection failure or timeout, and a cancelled call. */
    public boolean answered() {
        return kind != Kind.NETWORK && kind != Kind.CANCELLED;
    }

    /** Worth retrying after a backoff (server trouble or no answer); never {@link Kind#UNREADABLE}, which was carried out. */
    public boolean transientFailure() {
        return kind == Kind.SERVER || kind == Kind.NETWORK;
    }

    /** 409 because a webhook is set (not because of another poller). */
    public boolean webhookConflict() {
        return kind == Kind.CONFLICT && String.valueOf(getMessage()).contains("webhook");
    }
}
