package dev.botops.monitor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How an alert looks as JSON, in one place: {@code botops alerts --json} and the generic webhook both use it.
 * Instants are ISO-8601 strings; absent values are {@code null}, never left out.
 */
public final class AlertJson {
    private AlertJson() {
    }

    /** {@code {"id", "rule", "severity", "message", "hint", "startedAt", "lastSeen", "resolvedAt", "acknowledgedBy", "acknowledgedAt"}}. */
    public static Map<String, Object> of(Alert alert) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", alert.id());
        json.put("rule", alert.ruleId());
        json.put("severity", alert.severity().name());
        json.put("message", alert.message());
        json.put("hint", alert.hint());
        json.put("startedAt", text(alert.firstSeen()));
        json.put("lastSeen", text(alert.lastSeen()));
        json.put("resolvedAt", text(alert.resolvedAt()));
        json.put("acknowledgedBy", alert.acknowledgedBy());
        json.put("acknowledgedAt", text(alert.acknowledgedAt()));
        return json;
    }

    /** The alert with the silence that covers its rule ({@code silencedUntil}, {@code silencedBy}), if any. */
    public static Map<String, Object> of(Alert alert, List<Silence> silences, java.time.Instant now) {
        Map<String, Object> json = of(alert);
        Silence silence = silences.stream().filter(s -> s.covers(alert.ruleId(), now)).findFirst().orElse(null);
        json.put("silencedUntil", silence == null ? null : text(silence.until()));
        json.put("silencedBy", silence == null ? null : silence.silencedBy());
        return json;
    }

    private static String text(java.time.Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
