package dev.botops.monitor;

import java.time.Instant;

/**
 * "No deliveries for this rule until {@code until}": the alert stays active and visible, but no channel hears
 * about it until the silence expires (then whatever is still due goes out at once).
 *
 * @param rule a rule id ({@code storage}), or a prefix ending in {@code *} ({@code dead-rows:*})
 */
public record Silence(String rule, Instant until, String silencedBy, Instant silencedAt) {
    public Silence {
        if (rule == null || rule.isBlank()) {
            throw new IllegalArgumentException("A silence needs a rule");
        }
    }

    /** Whether this silence covers the rule at {@code now}. */
    public boolean covers(String ruleId, Instant now) {
        return now.isBefore(until) && matches(ruleId);
    }

    public boolean matches(String ruleId) {
        return rule.endsWith("*") ? ruleId.startsWith(rule.substring(0, rule.length() - 1)) : rule.equals(ruleId);
    }
}
