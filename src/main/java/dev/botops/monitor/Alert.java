package dev.botops.monitor;

import java.time.Instant;

/**
 * One alert occurrence. {@code ruleId} is stable (e.g. {@code storage}, {@code dead-rows:public.message_log},
 * {@code bot-conflict}) so the same condition is one alert however often it is seen.
 *
 * @param hint           remediation for the operator, may contain copyable SQL; may be empty
 * @param resolvedAt     {@code null} while active
 * @param acknowledgedBy who said "seen, working on it" (reminders stop), {@code null} while nobody did
 * @param acknowledgedAt when, {@code null} while nobody did
 */
public record Alert(long id, String ruleId, Severity severity, String message, String hint,
                    Instant firstSeen, Instant lastSeen, Instant resolvedAt, String acknowledgedBy, Instant acknowledgedAt) {

    /** An alert nobody has acknowledged. */
    public Alert(long id, String ruleId, Severity severity, String message, String hint,
                 Instant firstSeen, Instant lastSeen, Instant resolvedAt) {
        this(id, ruleId, severity, message, hint, firstSeen, lastSeen, resolvedAt, null, null);
    }

    public boolean active() {
        return resolvedAt == null;
    }

    public boolean acknowledged() {
        return acknowledgedAt != null;
    }

    /** The same alert, acknowledged by {@code by} at {@code at} (or no longer, with nulls). */
    public Alert withAcknowledgement(String by, Instant at) {
        return new Alert(id, ruleId, severity, message, hint, firstSeen, lastSeen, resolvedAt, by, at);
    }
}
