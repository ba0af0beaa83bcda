package dev.botops.ui.main;

import dev.botops.monitor.Alert;
import dev.botops.monitor.AlertListener;
import dev.botops.monitor.AlertService;
import dev.botops.monitor.Severity;
import dev.botops.ui.common.Coalescer;
import dev.botops.ui.common.TaskExecutor;
import java.util.List;
import java.util.function.Consumer;

/**
 * Keeps the frame's banner on the most severe active critical alert: every alert change (on the alert
 * service's event thread) recomputes the text, and a burst of changes is one UI update. No critical alert, no banner.
 */
public final class CriticalBanner implements AlertListener {
    private final AlertService alerts;
    private final Coalescer<String> banner;

    public CriticalBanner(AlertService alerts, MainViewModel main, Consumer<Runnable> fxThread) {
        this.alerts = alerts;
        this.banner = new Coalescer<>(fxThread, main::showBanner);
    }

    /** Shows the alerts active now (read in the background) and follows every change from then on. */
    public void start(TaskExecutor tasks) {
        alerts.addListener(this);
        tasks.run("critical banner", () -> {
            changed();
            return Boolean.TRUE;
        }, done -> { }, error -> { });
    }

    public void stop() {
        alerts.removeListener(this);
    }

    @Override
    public void raised(Alert alert) {
        changed();
    }

    @Override
    public void resolved(Alert alert) {
        changed();
    }

    /**
     * Reads the alert service's published view and publishes it under this banner's own lock, so the first
     * reading (a background task) and a concurrent change (the alert event thread) cannot publish out of order.
     */
    private void changed() {
        synchronized (this) {
            banner.publish(text(alerts.active()));
        }
    }

    /** The banner's text for the active alerts (most severe first): empty when none is critical. */
    static String text(List<Alert> active) {
        List<Alert> critical = active.stream().filter(a -> a.severity() == Severity.CRITICAL).toList();
        if (critical.isEmpty()) {
            return "";
        }
        String text = "⚠ CRITICAL: " + critical.get(0).message();
        if (critical.size() > 1) {
            text += "  (+" + (critical.size() - 1) + " more critical alert" + (critical.size() > 2 ? "s" : "") + ")";
        }
        return text;
    }
}
