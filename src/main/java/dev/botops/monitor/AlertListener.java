package dev.botops.monitor;

/** Told about alert changes (admin Telegram notifications, the dashboard). Called on a background thread. */
public interface AlertListener {
    /** A new alert, or an active one whose severity changed. */
    void raised(Alert alert);

    void resolved(Alert alert);
}
