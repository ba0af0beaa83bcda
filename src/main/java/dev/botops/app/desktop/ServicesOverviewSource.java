package dev.botops.app.desktop;

import dev.botops.app.demo.DemoService;
import dev.botops.config.LiveSettings;
import dev.botops.maintenance.MaintenanceService;
import dev.botops.maintenance.RunRecord;
import dev.botops.monitor.Alert;
import dev.botops.monitor.AlertListener;
import dev.botops.monitor.AlertService;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.MetricHistory;
import dev.botops.monitor.MetricHistory.MetricSample;
import dev.botops.monitor.MonitorService;
import dev.botops.ui.bot.BotSource;
import dev.botops.ui.overview.OverviewSource;
import dev.botops.ui.overview.OverviewUpdate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Overview's data: the monitor, the alerts and the run log of this process, the bot as the Bot screen sees it
 * (the same {@link BotSource}), and the demo.
 */
final class ServicesOverviewSource implements OverviewSource {
    private final MonitorService monitor;
    private final MetricHistory history;
    private final AlertService alerts;
    private final MaintenanceService maintenance;
    private final BotSource bot;
    private final DemoService demo;
    private final LiveSettings settings;

    ServicesOverviewSource(MonitorService monitor, MetricHistory history, AlertService alerts, MaintenanceService maintenance,
                           BotSource bot, DemoService demo, LiveSettings settings) {
        this.monitor = monitor;
        this.history = history;
        this.alerts = alerts;
        this.maintenance = maintenance;
        this.bot = bot;
        this.demo = demo;
        this.settings = settings;
    }

    @Override
    public Runnable subscribe(Consumer<OverviewUpdate> listener) {
        Consumer<DatabaseSnapshot> onSnapshot = snapshot -> listener.accept(update(snapshot));
        // Alert listeners run inside the alert service's lock: reading the active alerts there is reentrant.
        AlertListener onAlert = new AlertListener() {
            @Override
            public void raised(Alert alert) {
                current().ifPresent(listener);
            }

            @Override
            public void resolved(Alert alert) {
                current().ifPresent(listener);
            }
        };
        // The bot tile follows the snapshots (every monitor interval): a bot state change is published under the bot's
        // own lock, where reading the alerts (a lock held through their writes) must not happen.
        monitor.addListener(onSnapshot);
        alerts.addListener(onAlert);
        return () -> {
            monitor.removeListener(onSnapshot);
            alerts.removeListener(onAlert);
        };
    }

    @Override
    public Optional<OverviewUpdate> current() {
        return monitor.latest().map(this::update);
    }

    private OverviewUpdate update(DatabaseSnapshot snapshot) {
        return new OverviewUpdate(snapshot, monitor.forecast(), bot.current(), alerts.active());
    }

    @Override
    public List<DatabaseSnapshot> recentSnapshots() {
        return monitor.history();
    }

    @Override
    public List<MetricSample> samples(Instant from, Instant to) {
        return history.samples(from, to);
    }

    @Override
    public Optional<RunRecord> lastMaintenanceRun() {
        return maintenance.runs(1).stream().findFirst();
    }

    @Override
    public DemoState demoState() {
        return new DemoState(demo.sandboxed(), demo.installed().isPresent(), demo.databaseIsEmpty());
    }

    @Override
    public void installDemo() {
        demo.install(settings.current());
    }

    @Override
    public long removeDemo() {
        return demo.remove().total();
    }
}
