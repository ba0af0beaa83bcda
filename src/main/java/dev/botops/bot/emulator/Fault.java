package dev.botops.bot.emulator;

import java.time.Duration;

/**
 * A fault the emulator answers one request with instead of the normal result: what production Telegram (or
 * the network in front of it) does on a bad day.
 */
public record Fault(Kind kind, int status, Duration duration) {
    /** What goes wrong. */
    public enum Kind {
        /** HTTP 409 "terminated by other getUpdates request", as when another poller uses the token. */
        CONFLICT,
        /** HTTP 429 with {@code retry_after} = {@link #duration()} in whole seconds. */
        TOO_MANY_REQUESTS,
        /** An HTTP 5xx with an HTML body, as a proxy in front of the Bot API sends it. */
        SERVER_ERROR,
        /** The answer is delayed by {@link #duration()}, then given normally. */
        SLOW,
        /** The connection is closed without any answer. */
        DROP_CONNECTION
    }

    public static Fault conflict() {
        return new Fault(Kind.CONFLICT, 409, Duration.ZERO);
    }

    public static Fault tooManyRequests(Duration retryAfter) {
        return new Fault(Kind.TOO_MANY_REQUESTS, 429, retryAfter);
    }

    public static Fault serverError(int status) {
        return new Fault(Kind.SERVER_ERROR, status, Duration.ZERO);
    }

    public static Fault slow(Duration delay) {
        return new Fault(Kind.SLOW, 200, delay);
    }

    public static Fault dropConnection() {
        return new Fault(Kind.DROP_CONNECTION, 0, Duration.ZERO);
    }
}
