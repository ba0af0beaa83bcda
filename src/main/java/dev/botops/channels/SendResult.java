package dev.botops.channels;

import java.time.Duration;

/**
 * What one delivery attempt came to: sent; worth retrying (a 5xx, a timeout, a 429, a refused connection),
 * perhaps after a delay the receiver asked for; or failed for good (a 4xx, a login refused).
 *
 * @param retryAfter the delay the receiver asked for ({@code Retry-After}), {@code null} when it named none
 * @param detail     what the receiver said, secrets masked; empty when sent
 */
public record SendResult(Outcome outcome, Duration retryAfter, String detail) {
    public enum Outcome { SENT, RETRY, FAILED }

    public static SendResult ok() {
        return new SendResult(Outcome.SENT, null, "");
    }

    public static SendResult retry(Duration after, String detail) {
        return new SendResult(Outcome.RETRY, after, detail);
    }

    public static SendResult failed(String detail) {
        return new SendResult(Outcome.FAILED, null, detail);
    }

    public boolean delivered() {
        return outcome == Outcome.SENT;
    }
}
