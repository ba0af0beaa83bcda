package dev.botops.monitor;

import java.time.Instant;

/**
 * One alert occurrence. {@code ruleId} is stable (e.g. {@code storage}, {@code dead-rows:public.message_log},
 * {@code bot-conflict}) so the same condition is one alert however often it is seen.
 *
 * @param hint       remediation for the operator, may contain copyable SQL; may be empty
 * @param resolvedAt {@code null} while active
 */
public record Alert(long id, String ruleId, Severity severity, String message, String hint,
                    Instant firstSeen, Instant lastSeen, Instant resolvedAt) {
    public boolean active() {
        return resolvedAt == null;
    }
}
