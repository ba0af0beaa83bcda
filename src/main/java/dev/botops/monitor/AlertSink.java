package dev.botops.monitor;

/**
 * Where any part of the app raises and resolves alerts (monitor rules, failed maintenance runs, the bot's
 * 409 storms). Raising an already active rule updates it (severity, message, last seen) and does not make a
 * second alert; resolving an inactive rule does nothing.
 */
public interface AlertSink {
    void raise(String ruleId, Severity severity, String message, String hint);

    void resolve(String ruleId);
}
