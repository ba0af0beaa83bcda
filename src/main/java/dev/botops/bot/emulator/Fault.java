package dev.botops.bot.emulator;

import java.time.Duration;

/**
 * A fault the emulator answers a request with instead of the normal result: what production Telegram (or the
 * network in front of it) does on a bad day, and what Bot API servers written by other people do every day.
 * Inject one for the next calls of a method ({@link BotApiEmulator#inject}) or let it stand for every call
 * ({@link BotApiEmulator#always}, {@link EmulatorOptions#withStandingFault}).
 *
 * @param status      the HTTP status answered ({@link Kind#ANSWER}, {@link Kind#SERVER_ERROR})
 * @param duration    the delay ({@link Kind#SLOW}) or the {@code retry_after} ({@link Kind#TOO_MANY_REQUESTS})
 * @param contentType the Content-Type of {@link Kind#ANSWER}'s body
 * @param body        the body of {@link Kind#ANSWER}; the field left out for {@link Kind#MISSING_FIELD}
 */
public record Fault(Kind kind, int status, Duration duration, String contentType, String body) {
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
        DROP_CONNECTION,
        /** {@link #status()} with {@link #body()} instead of the method's answer; the method does nothing. */
        ANSWER,
        /**
         * The method does its work (a message is sent), and its 2xx answer is cut off halfway: the body the
         * client cannot parse, although the server acted on the request. A non-2xx answer is given unchanged.
         */
        TRUNCATED_ANSWER,
        /** The method does its work, and its 2xx answer's result lacks the field named by {@link #body()}. */
        MISSING_FIELD
    }

    public Fault {
        contentType = contentType == null ? "" : contentType;
        body = body == null ? "" : body;
    }

    public Fault(Kind kind, int status, Duration duration) {
        this(kind, status, duration, "", "");
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

    /** Any status and body instead of the method's answer (a method the server does not implement, a proxy's page). */
    public static Fault answer(int status, String contentType, String body) {
        return new Fault(Kind.ANSWER, status, Duration.ZERO, contentType, body);
    }

    /** HTTP 500 with a plain-text body: a server that does not implement the method. */
    public static Fault notImplemented() {
        return answer(500, "text/plain", "Internal Server Error");
    }

    /** Telegram's answer to a revoked or wrong token. */
    public static Fault unauthorized() {
        return answer(401, "application/json", "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}");
    }

    /** Telegram's answer to a method it does not know (or a malformed token). */
    public static Fault notFound() {
        return answer(404, "application/json", "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}");
    }

    /** The request is carried out; its 2xx answer arrives cut off halfway. */
    public static Fault truncatedAnswer() {
        return new Fault(Kind.TRUNCATED_ANSWER, 200, Duration.ZERO);
    }

    /** The request is carried out; its 2xx answer's result lacks {@code field} (e.g. {@code first_name} in getMe). */
    public static Fault withoutField(String field) {
        return new Fault(Kind.MISSING_FIELD, 200, Duration.ZERO, "", field);
    }

    /** Whether the method does its work before this fault changes the answer. */
    boolean afterWork() {
        return kind == Kind.TRUNCATED_ANSWER || kind == Kind.MISSING_FIELD;
    }
}
