package dev.botops.app.desktop;

import dev.botops.monitor.Alert;
import dev.botops.monitor.AlertListener;
import dev.botops.monitor.AlertService;
import dev.botops.ui.alerts.AlertsSource;
import java.util.List;

/** The Alerts screen's data from the alert service. */
final class ServicesAlertsSource implements AlertsSource {
    private final AlertService alerts;

    ServicesAlertsSource(AlertService alerts) {
        this.alerts = alerts;
    }

    @Override
    public Runnable subscribe(Runnable changed) {
        AlertListener listener = new AlertListener() {
            @Override
            public void raised(Alert alert) {
                changed.run();
            }

            @Override
            public void resolved(Alert alert) {
                changed.run();
            }
        };
        alerts.addListener(listener);
        return () -> alerts.removeListener(listener);
    }

    @Override
    public List<Alert> active() {
        return alerts.active();
    }

    @Override
    public List<Alert> recent(int limit) {
        return alerts.recent(limit);
    }
}
