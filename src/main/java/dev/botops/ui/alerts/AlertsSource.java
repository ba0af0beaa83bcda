package dev.botops.ui.alerts;

import dev.botops.monitor.Alert;
import java.util.List;

/** What the Alerts screen reads; both reads may block (a lock, a query), so they run through the task executor. */
public interface AlertsSource {
    /** Calls {@code changed} (on a service thread) whenever an alert is raised or resolved; returns how to stop. */
    Runnable subscribe(Runnable changed);

    /** Active alerts, most severe first. */
    List<Alert> active();

    /** Alert history from the database, newest first, active and resolved. */
    List<Alert> recent(int limit);
}
