package dev.botops.maintenance;

import dev.botops.monitor.AlertSink;
import dev.botops.monitor.Severity;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers what was raised and resolved, in order. */
final class RecordingAlertSink implements AlertSink {
    final List<String> raised = new CopyOnWriteArrayList<>();
    final List<String> resolved = new CopyOnWriteArrayList<>();

    @Override
    public void raise(String ruleId, Severity severity, String message, String hint) {
        raised.add(ruleId + " " + severity + ": " + message);
    }

    @Override
    public void resolve(String ruleId) {
        resolved.add(ruleId);
    }
}
