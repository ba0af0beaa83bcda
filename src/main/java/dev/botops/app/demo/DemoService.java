package dev.botops.app.demo;

import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.config.Settings;
import dev.botops.maintenance.MaintenanceService;
import dev.botops.monitor.MonitorService;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo as a workflow: load six weeks of history into daily partitions (so the first cleanup drops whole days and
 * the database visibly shrinks), start the simulated users talking to the sandbox bot, and remove it all again.
 * Demo data loaded in an earlier run keeps its users talking after a restart. Without a sandbox bot there is no
 * traffic, and demo data is not offered.
 */
public final class DemoService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoService.class);
    /** A simulated user's message every few seconds: the live charts move, the quota does not fill. */
    private static final Duration TRAFFIC_EVERY = Duration.ofSeconds(3);
    /** How long removal waits for the sandbox to hand the last demo messages to the bot. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(5);

    private final DemoData data;
    private final MaintenanceService maintenance;
    private final MonitorService monitor;
    private final Supplier<Optional<BotApiEmulator>> sandbox;
    private final long seed;
    /** Guarded by {@code this}. */
    private DemoTraffic traffic;
    private boolean closed;

    /**
     * @param sandbox the sandbox Bot API once the bot runs against it (the bot starts after this service is built)
     * @param seed    the simulated users' choices ({@code bot.market-seed})
     */
    public DemoService(DemoData data, MaintenanceService maintenance, MonitorService monitor, Supplier<Optional<BotApiEmulator>> sandbox,
                       long seed) {
        this.data = data;
        this.maintenance = maintenance;
        this.monitor = monitor;
        this.sandbox = sandbox;
        this.seed = seed;
    }

    /** The bot runs against the sandbox, so simulated users can talk to it. */
    public boolean sandboxed() {
        return sandbox.get().isPresent();
    }

    public Optional<DemoData.Install> installed() {
        return data.installed();
    }

    /** No users and no trades yet: demo data is worth offering. */
    public boolean databaseIsEmpty() {
        return data.databaseIsEmpty();
    }

    /**
     * Creates the daily partitions of the history window, then loads the history into them (in the DEFAULT partition a
     * cleanup could only delete it row by row, and give nothing back to the quota), tells the monitor, and starts the
     * simulated users.
     */
    public DemoData.Install install(Settings settings) {
        DemoData.Window window = data.window();
        List<String> partitions = maintenance.createDailyPartitions(window.from(), window.to());
        log.info("Demo history goes into daily partitions ({} created)", partitions.size());
        DemoData.Install install = data.install(settings);
        monitor.historyChanged();
        startTraffic();
        return install;
    }

    /** Stops the simulated users, lets the bot fetch what they already said, and deletes every demo row. */
    public DemoData.Removal remove() {
        stopTraffic();
        sandbox.get().ifPresent(DemoService::awaitDrained);
        DemoData.Removal removal = data.remove();
        monitor.historyChanged();
        return removal;
    }

    /** Demo data loaded in an earlier run keeps its simulated users talking after a restart. */
    public void resumeTraffic() {
        if (sandbox.get().isPresent() && data.installed().isPresent()) {
            startTraffic();
        }
    }

    private synchronized void startTraffic() {
        Optional<BotApiEmulator> emulator = sandbox.get();
        if (closed || emulator.isEmpty()) {
            return;
        }
        if (traffic == null) {
            traffic = new DemoTraffic(emulator.get(), TRAFFIC_EVERY, seed);
        }
        traffic.start();
    }

    /** Stops the simulated users (before their rows are removed, and before the sandbox closes). */
    public synchronized void stopTraffic() {
        if (traffic != null) {
            traffic.stop();
        }
    }

    /**
     * Lets the bot fetch the demo messages already posted, so none lands after the removal. After {@link #DRAIN_WAIT}
     * the removal goes ahead regardless.
     */
    private static void awaitDrained(BotApiEmulator emulator) {
        try {
            if (!emulator.awaitNoPendingUpdates(DRAIN_WAIT)) {
                log.warn("The bot had not fetched every demo message after {} s; removing the demo data anyway", DRAIN_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        stopTraffic();
    }
}
