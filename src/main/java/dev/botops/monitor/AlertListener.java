package dev.botops.monitor;

import java.util.List;

/**
 * Told about alert changes (admin Telegram notifications, the dashboard). Called on the alert service's
 * event thread, one call at a time in the order the changes happened; must return quickly.
 */
public interface AlertListener {
    /** A new alert, or an active one whose severity changed. */
    void raised(Alert alert);

    void resolved(Alert alert);

    /** An active alert was acknowledged (here, or on another instance, seen when the service refreshes). */
    default void acknowledged(Alert alert) {
    }

    /** The silences in force changed (one was added, lifted, or expired). */
    default void silencesChanged(List<Silence> silences) {
    }
}
