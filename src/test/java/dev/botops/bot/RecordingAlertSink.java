package dev.botops.bot;

import dev.botops.monitor.Alert;
import dev.botops.monitor.AlertListener;
import dev.botops.monitor.AlertSink;
import dev.botops.monitor.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** An AlertSink for tests: remembers what was raised and resolved, and forwards to listeners like the real one. */
public final class RecordingAlertSink implements AlertSink {
    /** One call to the sink. */
    public record Event(String ruleId, Severity severity, String message, boolean raised) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Map<String, Alert> active = new ConcurrentHashMap<>();
    private final List<AlertListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();

    public void addListener(AlertListener listener) {
        listeners.add(listener);
    }

    @Override
    public void raise(String ruleId, Severity severity, String message, String hint) {
        events.add(new Event(ruleId, severity, message, true));
        Alert previous = active.get(ruleId);
        Instant now = Instant.now();
        Alert alert = new Alert(previous == null ? ids.incrementAndGet() : previous.id(), ruleId, severity, message, hint,
                previous == null ? now : previous.firstSeen(), now, null);
        active.put(ruleId, alert);
        if (previous == null || previous.severity() != severity) {
            listeners.forEach(l -> l.raised(alert));
        }
    }

    @Override
    public void resolve(String ruleId) {
        Alert previous = active.remove(ruleId);
        if (previous == null) {
            return;
        }
        events.add(new Event(ruleId, previous.severity(), previous.message(), false));
        Alert resolved = new Alert(previous.id(), ruleId, previous.severity(), previous.message(), previous.hint(),
                previous.firstSeen(), Instant.now(), Instant.now());
        listeners.forEach(l -> l.resolved(resolved));
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public boolean isActive(String ruleId) {
        return active.containsKey(ruleId);
    }

    public Alert active(String ruleId) {
        return active.get(ruleId);
    }
}
