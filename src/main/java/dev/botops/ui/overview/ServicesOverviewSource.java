package dev.botops.ui.overview;

import dev.botops.app.AppContext;
import dev.botops.app.demo.DemoData;
import dev.botops.bot.BotService;
import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.maintenance.RunRecord;
import dev.botops.monitor.Alert;
import dev.botops.monitor.AlertListener;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.MetricHistory.MetricSample;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Overview's data from the running services of an {@link AppContext}. */
public final class ServicesOverviewSource implements OverviewSource {
    private static final Logger log = LoggerFactory.getLogger(ServicesOverviewSource.class);
    /** How long removal waits for the sandbox to hand the last demo messages to the bot. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(5);

    private final AppContext context;

    public ServicesOverviewSource(AppContext context) {
        this.context = context;
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
        context.monitor().addListener(onSnapshot);
        context.alerts().addListener(onAlert);
        return () -> {
            context.monitor().removeListener(onSnapshot);
            context.alerts().removeListener(onAlert);
        };
    }

    @Override
    public Optional<OverviewUpdate> current() {
        return context.monitor().latest().map(this::update);
    }

    private OverviewUpdate update(DatabaseSnapshot snapshot) {
        return new OverviewUpdate(snapshot, context.monitor().forecast(), context.bot().map(BotService::status),
                context.alerts().active());
    }

    @Override
    public List<DatabaseSnapshot> recentSnapshots() {
        return context.monitor().history();
    }

    @Override
    public List<MetricSample> samples(Instant from, Instant to) {
        return context.metricHistory().samples(from, to);
    }

    @Override
    public Optional<RunRecord> lastMaintenanceRun() {
        return context.maintenance().runs(1).stream().findFirst();
    }

    @Override
    public DemoState demoState() {
        DemoData demo = context.demoData();
        return new DemoState(context.sandbox().isPresent(), demo.installed().isPresent(), demo.databaseIsEmpty());
    }

    @Override
    public DemoData.Install installDemo() {
        DemoData.Install install = context.demoData().install(context.liveSettings().current());
        context.monitor().historyChanged();
        context.startDemoTraffic();
        return install;
    }

    @Override
    public DemoData.Removal removeDemo() {
        context.stopDemoTraffic();
        context.sandbox().ifPresent(ServicesOverviewSource::awaitDrained);
        DemoData.Removal removal = context.demoData().remove();
        context.monitor().historyChanged();
        return removal;
    }

    /**
     * Lets the bot fetch the demo messages already posted, so none lands after the removal. Runs on the removal's
     * background task, never on the FX thread; after {@link #DRAIN_WAIT} the removal goes ahead regardless.
     */
    private static void awaitDrained(BotApiEmulator sandbox) {
        try {
            if (!sandbox.awaitNoPendingUpdates(DRAIN_WAIT)) {
                log.warn("The bot had not fetched every demo message after {} s; removing the demo data anyway", DRAIN_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
