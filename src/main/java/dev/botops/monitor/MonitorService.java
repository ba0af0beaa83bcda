package dev.botops.monitor;

import dev.botops.concurrent.Threads;
import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import dev.botops.db.DatabaseException;
import dev.botops.monitor.DatabaseSnapshot.TableStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running monitor: on one named daemon thread it takes a snapshot every {@code monitor.interval}
 * (runs never overlap), keeps the last {@code monitor.history-size} in memory for the charts, persists a
 * sample every {@code monitor.sample-interval}, prunes history past its retention, refreshes the forecast,
 * applies the alert rules and hands each snapshot to its listeners.
 *
 * <p>Readers ({@code /health}, the dashboard) use {@link #latest()} and friends, which never touch the
 * database. A database that cannot be reached is a snapshot in state UNREACHABLE plus one critical alert,
 * logged once when it starts and once when it ends.
 */
public final class MonitorService implements AutoCloseable {
    static final Duration PRUNE_EVERY = Duration.ofHours(1);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(MonitorService.class);

    private final DatabaseMonitor monitor;
    private final MetricHistory history;
    /** Replaced when the operator changes thresholds in the settings; read once per run. */
    private volatile AlertRules rules;
    private final AlertService alerts;
    private final Clock clock;
    private final Duration interval;
    private final Duration sampleInterval;
    private final int historySize;
    private final List<Consumer<DatabaseSnapshot>> listeners = new CopyOnWriteArrayList<>();
    /** Guarded by itself. */
    private final Deque<DatabaseSnapshot> ring = new ArrayDeque<>();
    private volatile DatabaseSnapshot latest;
    private volatile DatabaseSnapshot lastReachable;
    private volatile Forecast forecast;
    /** Set when the quota changed: the next run recomputes the forecast against the new quota. */
    private volatile boolean forecastStale;
    /** Guarded by {@code this} (start, refresh and close). */
    private ScheduledExecutorService executor;
    /** Serialises runs; not {@code this}, so that close() can wait for a run without blocking it. */
    private final Object runLock = new Object();

    // Touched only by runs (serialised by runLock).
    private Instant nextSampleAt;
    private Instant nextPruneAt;
    private boolean failing;

    public MonitorService(Settings settings, DatabaseMonitor monitor, MetricHistory history, AlertRules rules,
                          AlertService alerts, Clock clock) {
        this.monitor = monitor;
        this.history = history;
        this.rules = rules;
        this.alerts = alerts;
        this.clock = clock;
        this.interval = settings.duration(ConfigKey.MONITOR_INTERVAL);
        this.sampleInterval = settings.duration(ConfigKey.MONITOR_SAMPLE_INTERVAL);
        this.historySize = settings.integer(ConfigKey.MONITOR_HISTORY_SIZE);
    }

    /** Starts the schedule; the first snapshot is taken at once. */
    public synchronized void start() {
        if (executor != null) {
            throw new IllegalStateException("The monitor is already started");
        }
        executor = Executors.newSingleThreadScheduledExecutor(Threads.daemon("botops-monitor"));
        executor.scheduleWithFixedDelay(this::scheduledRun, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Monitor started: a snapshot every {}, a persisted sample every {}", Ages.format(interval),
                Ages.format(sampleInterval));
    }

    /** Takes a snapshot as soon as the monitor thread is free (the dashboard's refresh button). */
    public synchronized void refreshNow() {
        if (executor == null) {
            throw new IllegalStateException("The monitor is not started");
        }
        try {
            executor.execute(this::scheduledRun);
        } catch (RejectedExecutionException e) {
            log.debug("Refresh ignored: the monitor is stopping");
        }
    }

    /**
     * Applies settings changed at run time (the plan's quota and connection cap, the alert thresholds) and,
     * when the monitor runs, takes a fresh snapshot at once so alerts follow the change without waiting a
     * whole interval. The interval and the in-memory history size need a restart.
     */
    public void reconfigure(Settings settings) {
        monitor.reconfigure(settings);
        rules = new AlertRules(settings);
        forecastStale = true;
        synchronized (this) {
            if (executor != null) {
                refreshNow();
            }
        }
    }

    /**
     * Someone else changed the persisted history (demo data loaded or removed): the next run recomputes the
     * forecast, and when the monitor runs that run is now.
     */
    public void historyChanged() {
        forecastStale = true;
        synchronized (this) {
            if (executor != null) {
                refreshNow();
            }
        }
    }

    /** Called on the monitor thread after every snapshot (reachable or not); must return quickly. */
    public void addListener(Consumer<DatabaseSnapshot> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<DatabaseSnapshot> listener) {
        listeners.remove(listener);
    }

    /** The latest snapshot, reachable or not; empty before the first one. */
    public Optional<DatabaseSnapshot> latest() {
        return Optional.ofNullable(latest);
    }

    /** The latest snapshot that could be taken (the last known figures while the database is down). */
    public Optional<DatabaseSnapshot> lastReachable() {
        return Optional.ofNullable(lastReachable);
    }

    /** The latest forecast; refreshed with every persisted sample. */
    public Optional<Forecast> forecast() {
        return Optional.ofNullable(forecast);
    }

    /** The in-memory history, oldest first, at most {@code monitor.history-size} snapshots. */
    public List<DatabaseSnapshot> history() {
        synchronized (ring) {
            return List.copyOf(ring);
        }
    }

    /** The health report on the latest snapshot, without touching the database. */
    public Optional<HealthReport> report(String database, String schemaVersion) {
        DatabaseSnapshot snapshot = latest;
        if (snapshot == null) {
            return Optional.empty();
        }
        return Optional.of(HealthReport.of(database, schemaVersion, snapshot, forecast, alerts.active()));
    }

    private void scheduledRun() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            // One failed run never stops the schedule.
            log.warn("Monitor run failed: {}", e.getMessage(), e);
        }
    }

    /** One monitor run; runs never overlap, whoever calls. */
    DatabaseSnapshot runOnce() {
        synchronized (runLock) {
            return run();
        }
    }

    private DatabaseSnapshot run() {
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        DatabaseSnapshot snapshot;
        try {
            snapshot = shareUnchangedTables(monitor.snapshot(), lastReachable);
        } catch (DatabaseException e) {
            DatabaseSnapshot.State state = e.kind() == DatabaseException.Kind.UNAVAILABLE
                    ? DatabaseSnapshot.State.UNREACHABLE : DatabaseSnapshot.State.FAILED;
            snapshot = DatabaseSnapshot.failed(started, Duration.ofNanos(System.nanoTime() - startNanos), state, e.getMessage());
        }
        remember(snapshot);
        if (snapshot.reachable()) {
            afterReachable(snapshot);
        } else {
            afterFailure(snapshot);
        }
        for (Consumer<DatabaseSnapshot> listener : listeners) {
            try {
                listener.accept(snapshot);
            } catch (RuntimeException e) {
                log.warn("Snapshot listener {} failed", listener.getClass().getName(), e);
            }
        }
        return snapshot;
    }

    private void remember(DatabaseSnapshot snapshot) {
        synchronized (ring) {
            ring.addLast(snapshot);
            while (ring.size() > historySize) {
                ring.removeFirst();
            }
        }
        latest = snapshot;
        if (snapshot.reachable()) {
            lastReachable = snapshot;
        }
    }

    private void afterFailure(DatabaseSnapshot snapshot) {
        if (!failing) {
            failing = true;
            log.warn("Database snapshot failed ({}): {}", snapshot.state(), snapshot.error());
        }
        if (snapshot.state() == DatabaseSnapshot.State.UNREACHABLE) {
            alerts.raise(AlertRules.UNREACHABLE, Severity.CRITICAL, "The database cannot be reached: " + snapshot.error(),
                    "Check that the PostgreSQL server is running and reachable from this machine (and that its "
                            + "connection limit is not exhausted). The monitor keeps trying every " + Ages.format(interval) + ".");
        } else {
            alerts.raise(AlertRules.MONITOR_FAILED, Severity.WARNING, "The monitor could not take a snapshot: " + snapshot.error(),
                    "The database answers, but the monitor's catalog queries failed; see the log for details.");
        }
    }

    private void afterReachable(DatabaseSnapshot snapshot) {
        if (failing) {
            failing = false;
            log.info("Database snapshots work again");
        }
        Instant now = snapshot.takenAt();
        boolean sampled = sampleIfDue(snapshot, now);
        pruneIfDue(now);
        if (sampled || forecast == null || forecastStale) {
            forecastStale = false;
            try {
                forecast = history.forecast(now, snapshot);
            } catch (DatabaseException e) {
                log.warn("Forecast not refreshed: {}", e.getMessage());
            }
        }
        applyRules(snapshot);
        // After the rules: an outage's alert was just resolved, and now the whole episode can be recorded.
        alerts.sync();
    }

    private boolean sampleIfDue(DatabaseSnapshot snapshot, Instant now) {
        if (nextSampleAt != null && now.isBefore(nextSampleAt)) {
            return false;
        }
        // Keep the cadence on its grid unless we fell more than a whole interval behind (e.g. an outage).
        nextSampleAt = nextSampleAt == null || now.isAfter(nextSampleAt.plus(sampleInterval))
                ? now.plus(sampleInterval) : nextSampleAt.plus(sampleInterval);
        try {
            history.record(snapshot);
            return true;
        } catch (DatabaseException e) {
            log.warn("History sample not stored: {}", e.getMessage());
            return false;
        }
    }

    private void pruneIfDue(Instant now) {
        if (nextPruneAt != null && now.isBefore(nextPruneAt)) {
            return;
        }
        nextPruneAt = now.plus(PRUNE_EVERY);
        try {
            long deleted = history.prune(now);
            if (deleted > 0) {
                log.info("Pruned {} history row(s) past their retention", deleted);
            }
        } catch (DatabaseException e) {
            log.warn("History not pruned: {}", e.getMessage());
        }
    }

    private void applyRules(DatabaseSnapshot snapshot) {
        List<AlertRules.Finding> findings = rules.evaluate(snapshot, forecast, alerts.activeSeverities());
        Set<String> firing = findings.stream().map(AlertRules.Finding::ruleId).collect(Collectors.toSet());
        for (AlertRules.Finding finding : findings) {
            alerts.raise(finding.ruleId(), finding.severity(), finding.message(), finding.hint());
        }
        for (String ruleId : alerts.activeSeverities().keySet()) {
            if (AlertRules.owns(ruleId) && !firing.contains(ruleId)) {
                alerts.resolve(ruleId);
            }
        }
    }

    /**
     * Reuses the previous snapshot's record for every table whose figures did not change, so a ring of
     * hundreds of snapshots of a database with thousands of mostly idle tables stays small.
     */
    private static DatabaseSnapshot shareUnchangedTables(DatabaseSnapshot snapshot, DatabaseSnapshot previous) {
        if (previous == null || previous.tables().isEmpty()) {
            return snapshot;
        }
        Map<String, TableStats> before = new HashMap<>();
        for (TableStats table : previous.tables()) {
            before.put(table.qualifiedName(), table);
        }
        List<TableStats> shared = new ArrayList<>(snapshot.tables().size());
        for (TableStats table : snapshot.tables()) {
            TableStats old = before.get(table.qualifiedName());
            shared.add(table.equals(old) ? old : table);
        }
        return new DatabaseSnapshot(snapshot.takenAt(), snapshot.elapsed(), snapshot.state(), snapshot.error(),
                snapshot.server(), snapshot.storage(), snapshot.connections(), snapshot.sessions(), shared);
    }

    /** Stops the schedule and waits (bounded) for a run in progress. */
    @Override
    public synchronized void close() {
        if (executor == null) {
            return;
        }
        Threads.shutdown(executor, SHUTDOWN_WAIT, "The monitor");
    }
}
