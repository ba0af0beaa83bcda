package dev.botops.monitor;

import dev.botops.concurrent.Threads;
import dev.botops.db.Database;
import dev.botops.db.DatabaseException;
import dev.botops.db.Work;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link AlertSink}: keeps the active alerts in memory (the dashboard and {@code /health} read them
 * without a query), records every raise and resolve in the {@code alerts} table so history survives restarts,
 * and tells {@link AlertListener}s about new alerts, severity changes, resolutions and acknowledgements.
 *
 * <p>Readers never wait: every change publishes an immutable {@link View} that {@link #active()} and friends
 * read without a lock. The database writes run on the {@code alerts-writer} thread and the listeners on the
 * {@code alerts-events} thread, each in the order the changes happened, so a slow or dead database delays
 * only the rows, never a reader, a raise or a listener.
 *
 * <p>Alerts must work while the database is down (that is when "database unreachable" is raised): a write
 * that fails is kept in memory and written by {@link #sync()} once the database answers again, so the
 * outage itself ends up in the history.
 */
public final class AlertService implements AlertSink, AutoCloseable {
    /** Changes that keep the severity (a new message, last seen) are written at most this often. */
    static final Duration PERSIST_UPDATES_EVERY = Duration.ofMinutes(1);
    /** How often acknowledgements and silences made elsewhere (another instance, the command line) are read back. */
    static final Duration REFRESH_EVERY = Duration.ofSeconds(10);
    /** Most severe first, then oldest first: the order operators read alerts in. */
    public static final Comparator<Alert> MOST_SEVERE_FIRST =
            Comparator.comparing(Alert::severity).reversed().thenComparing(Alert::firstSeen);
    static final Work WORK = new Work("alerts", Duration.ofSeconds(5), Duration.ofSeconds(1));
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(AlertService.class);

    private final Database database;
    private final Clock clock;
    private final Work work;
    private final List<AlertListener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(Threads.daemon("alerts-writer"));
    private final ExecutorService events = Executors.newSingleThreadExecutor(Threads.daemon("alerts-events"));
    /** A write pass is queued and has not started: later changes ride on it. */
    private final AtomicBoolean writeQueued = new AtomicBoolean();

    /** Guards the fields below; held only for memory updates, never during I/O or a listener call. */
    private final Object lock = new Object();
    private final Map<String, Entry> active = new LinkedHashMap<>();
    /** Resolutions not written yet, oldest first. */
    private final Deque<Entry> unsavedResolutions = new ArrayDeque<>();
    private List<Silence> silences = List.of();
    /** Logs a failing database once per outage, not once per write; new changes then wait for {@link #sync()}. */
    private boolean writesFailing;
    private boolean closed;
    /** Written and read on the writer thread only. */
    private Instant refreshedAt;

    private volatile View view = View.EMPTY;

    public AlertService(Database database, Clock clock) {
        this(database, clock, WORK);
    }

    /** With the bounds of the writes' work given (tests hold them up with a lock to prove nobody waits). */
    AlertService(Database database, Clock clock, Work work) {
        this.database = database;
        this.clock = clock;
        this.work = work;
    }

    /**
     * What readers see, published whole on every change.
     *
     * @param active   active alerts, most severe first
     * @param silences silences in force when the view was published
     */
    public record View(List<Alert> active, Map<String, Alert> byRule, List<Silence> silences) {
        static final View EMPTY = new View(List.of(), Map.of(), List.of());
    }

    /** An active alert, and what of it the table has. */
    private static final class Entry {
        Alert alert;
        /** Bumped on every change; a write records the version it wrote. */
        int version;
        int savedVersion = -1;
        /** Last seen time the table has; {@code null} before the first write. */
        Instant savedAt;
        /** A change the table must have at once (new alert, severity change), not at the next due time. */
        boolean urgent;
        /** Set when resolved; written before anything newer of the same rule. */
        Alert resolution;

        Entry(Alert alert) {
            this.alert = alert;
            this.urgent = alert.id() == 0;
            if (alert.id() > 0) {
                this.savedVersion = 0;
                this.savedAt = alert.lastSeen();
            }
        }
    }

    /** Reads the active alerts and silences from the tables (at start: alerts stay active across restarts). */
    public void load() {
        Instant now = now();
        record Loaded(List<Alert> alerts, List<Silence> silences) {
        }
        Loaded loaded = database.withConnection(work, c -> new Loaded(AlertTable.active(c), AlertTable.silences(c, now)));
        synchronized (lock) {
            active.clear();
            for (Alert alert : loaded.alerts()) {
                active.put(alert.ruleId(), new Entry(alert));
            }
            silences = List.copyOf(loaded.silences());
            publish();
        }
        if (!loaded.alerts().isEmpty()) {
            log.info("{} alert(s) still active from before: {}", loaded.alerts().size(), view.byRule().keySet());
        }
    }

    public void addListener(AlertListener listener) {
        listeners.add(listener);
    }

    public void removeListener(AlertListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void raise(String ruleId, Severity severity, String message, String hint) {
        requireText(ruleId, "ruleId");
        requireText(message, "message");
        if (severity == null) {
            throw new IllegalArgumentException("An alert needs a severity");
        }
        String safeHint = hint == null ? "" : hint;
        Instant now = now();
        synchronized (lock) {
            Entry entry = active.get(ruleId);
            if (entry == null) {
                entry = new Entry(new Alert(0, ruleId, severity, message, safeHint, now, now, null));
                active.put(ruleId, entry);
                publish();
                Alert raised = entry.alert;
                log(raised);
                tell(raised, listener -> listener.raised(raised));
                requestWrite(false);
                return;
            }
            Alert before = entry.alert;
            entry.alert = new Alert(before.id(), ruleId, severity, message, safeHint, before.firstSeen(), now, null,
                    before.acknowledgedBy(), before.acknowledgedAt());
            entry.version++;
            boolean severityChanged = before.severity() != severity;
            entry.urgent |= severityChanged;
            publish();
            if (severityChanged) {
                Alert changed = entry.alert;
                log(changed);
                tell(changed, listener -> listener.raised(changed));
            }
            if (severityChanged || saveDue(entry, now)) {
                requestWrite(false);
            }
        }
    }

    @Override
    public void resolve(String ruleId) {
        synchronized (lock) {
            Entry entry = active.remove(ruleId);
            if (entry == null) {
                return;
            }
            Instant now = now();
            Alert a = entry.alert;
            Alert resolved = new Alert(a.id(), a.ruleId(), a.severity(), a.message(), a.hint(), a.firstSeen(), now, now,
                    a.acknowledgedBy(), a.acknowledgedAt());
            entry.resolution = resolved;
            unsavedResolutions.add(entry);
            publish();
            log.info("Alert resolved: {} (active since {})", ruleId, a.firstSeen());
            tell(resolved, listener -> listener.resolved(resolved));
            requestWrite(false);
        }
    }

    /**
     * Has what memory holds and the table does not written (alerts raised or resolved while the database was
     * down, and pending updates that are due), and reads back acknowledgements and silences made elsewhere
     * when that is due. The monitor calls it after every successful snapshot; it returns at once.
     */
    public void sync() {
        synchronized (lock) {
            requestWrite(true);
        }
    }

    /** The published view: the active alerts and the silences in force, without waiting for anything. */
    public View view() {
        return view;
    }

    /** The active alerts, most severe first, then oldest first. */
    public List<Alert> active() {
        return view.active();
    }

    public Optional<Alert> active(String ruleId) {
        return Optional.ofNullable(view.byRule().get(ruleId));
    }

    /** Severity of each active alert by rule id (what the rules' hysteresis needs). */
    public Map<String, Severity> activeSeverities() {
        Map<String, Severity> result = new LinkedHashMap<>();
        view.byRule().forEach((rule, alert) -> result.put(rule, alert.severity()));
        return result;
    }

    /** Silences in force now (as last read: those made elsewhere appear within {@link #REFRESH_EVERY}). */
    public List<Silence> silences() {
        Instant now = clock.instant();
        return view.silences().stream().filter(s -> now.isBefore(s.until())).toList();
    }

    /**
     * Alert history, newest first, active and resolved: the table's rows, with what memory knows and the table
     * does not have yet (an alert raised or resolved a moment ago, or during an outage) laid over them.
     */
    public List<Alert> recent(int limit) {
        // Memory first: whatever leaves it before the query below is in the table by then.
        List<Alert> unsaved = new ArrayList<>();
        synchronized (lock) {
            unsavedResolutions.forEach(entry -> unsaved.add(entry.resolution));
            active.values().stream().filter(entry -> entry.alert.id() == 0).forEach(entry -> unsaved.add(entry.alert));
        }
        List<Alert> stored = database.withConnection(work, c -> AlertTable.recent(c, limit));
        if (unsaved.isEmpty()) {
            return stored;
        }
        Map<String, Alert> merged = new LinkedHashMap<>();
        for (Alert alert : stored) {
            merged.put(alert.ruleId() + "@" + alert.firstSeen(), alert);
        }
        for (Alert alert : unsaved) {
            merged.put(alert.ruleId() + "@" + alert.firstSeen(), alert);
        }
        return merged.values().stream()
                .sorted(Comparator.comparing(Alert::firstSeen).reversed().thenComparing(Comparator.comparingLong(Alert::id).reversed()))
                .limit(limit).toList();
    }

    /**
     * "Seen, working on it": reminders of this episode stop (on every instance); an escalation still goes out.
     * The first acknowledgement is kept. Runs on the caller's thread (a command, not a read).
     *
     * @param by who, as it should be shown ("alice@laptop", "telegram:@alice")
     */
    public AlertCommandResult acknowledge(long alertId, String by) {
        requireText(by, "name of who acknowledges");
        Instant now = now();
        record Outcome(Optional<Alert> acknowledged, Optional<Alert> stored) {
        }
        Outcome outcome = database.inTransaction(work, c -> {
            Optional<Alert> acknowledged = AlertTable.acknowledge(c, alertId, by, now);
            return new Outcome(acknowledged, acknowledged.isPresent() ? acknowledged : AlertTable.byId(c, alertId));
        });
        Optional<Alert> stored = outcome.stored();
        if (stored.isEmpty()) {
            return AlertCommandResult.refused("No alert has id " + alertId + " (botops alerts lists the active ones).");
        }
        Alert alert = stored.get();
        if (!alert.active()) {
            return AlertCommandResult.refused("Alert " + alertId + " (" + alert.ruleId() + ") was resolved at "
                    + alert.resolvedAt() + "; there is nothing to acknowledge.");
        }
        mergeAcknowledgement(alert);
        if (outcome.acknowledged().isEmpty()) {
            return AlertCommandResult.done("Alert " + alertId + " (" + alert.ruleId() + ") was already acknowledged by "
                    + alert.acknowledgedBy() + " at " + alert.acknowledgedAt() + ".");
        }
        log.info("Alert {} ({}) acknowledged by {}", alertId, alert.ruleId(), by);
        return AlertCommandResult.done("Alert " + alertId + " (" + alert.ruleId() + ") acknowledged by " + by
                + ": its reminders stop; an escalation still goes out.");
    }

    /**
     * No deliveries for the rule (or every rule with a prefix, {@code dead-rows:*}) until the duration has
     * passed; then whatever is still due goes out. Silencing again replaces the earlier silence.
     */
    public AlertCommandResult silence(String rule, Duration duration, String by) {
        requireText(rule, "rule to silence");
        requireText(by, "name of who silences");
        if (duration == null || duration.isNegative() || duration.isZero()) {
            return AlertCommandResult.refused("A silence needs a positive duration, such as 2h.");
        }
        Instant now = now();
        Silence silence = new Silence(rule.trim(), now.plus(duration), by, now);
        database.inTransaction(work, c -> {
            AlertTable.silence(c, silence);
            return null;
        });
        log.info("Alert deliveries for {} silenced by {} until {}", silence.rule(), by, silence.until());
        replaceSilences(current -> {
            List<Silence> updated = new ArrayList<>(current);
            updated.removeIf(s -> s.rule().equals(silence.rule()));
            updated.add(silence);
            return updated;
        });
        return AlertCommandResult.done("Deliveries for " + silence.rule() + " are silenced until " + silence.until() + ".");
    }

    /** Lifts a silence before it expires. */
    public AlertCommandResult unsilence(String rule, String by) {
        requireText(rule, "rule");
        requireText(by, "name of who lifts the silence");
        Instant now = now();
        boolean lifted = database.inTransaction(work, c -> AlertTable.lift(c, rule.trim(), by, now));
        if (!lifted) {
            return AlertCommandResult.refused("No silence for " + rule.trim() + " is in force.");
        }
        log.info("Silence of {} lifted by {}", rule.trim(), by);
        replaceSilences(current -> current.stream().filter(s -> !s.rule().equals(rule.trim())).toList());
        return AlertCommandResult.done("The silence of " + rule.trim() + " is lifted; its deliveries resume.");
    }

    /**
     * Waits (at most {@code timeout}) until every change made before the call is written, as far as the
     * database lets it, and every listener has been told. For shutdown, one-shot commands and tests; a reader
     * never needs it.
     *
     * @return whether everything was done in time
     */
    public boolean flush(Duration timeout) {
        synchronized (lock) {
            requestWrite(true);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        return drained(writer, deadline) && drained(events, deadline);
    }

    private static boolean drained(ExecutorService executor, long deadline) {
        try {
            executor.submit(() -> { }).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Writes pending changes (including last seen and messages not yet due), bounded in time, and stops the
     * writer and listener threads before the database closes.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            writesFailing = false;
            submit(writer, () -> writePending(true));
        }
        Threads.shutdown(writer, SHUTDOWN_WAIT, "The alert writer");
        Threads.shutdown(events, SHUTDOWN_WAIT, "The alert listeners");
        synchronized (lock) {
            boolean unsaved = !unsavedResolutions.isEmpty()
                    || active.values().stream().anyMatch(e -> e.version != e.savedVersion);
            if (unsaved) {
                log.warn("Some alert changes could not be recorded before closing (database unavailable)");
            }
        }
    }

    // --- writes, on the writer thread ----------------------------------------------------------------

    /** Queues a write pass unless one is queued; while writes fail only {@code force} (a sync) tries again. */
    private void requestWrite(boolean force) {
        if (closed || writesFailing && !force) {
            return;
        }
        if (force) {
            writesFailing = false;
        }
        if (writeQueued.compareAndSet(false, true)) {
            submit(writer, () -> {
                writeQueued.set(false);
                writePending(false);
                refreshIfDue();
            });
        }
    }

    /** One pending write, taken under the lock and done without it. */
    private record Pending(Entry entry, Alert content, int version, boolean resolution) {
    }

    private void writePending(boolean everything) {
        while (true) {
            Pending pending;
            synchronized (lock) {
                pending = nextWrite(everything);
            }
            if (pending == null) {
                return;
            }
            try {
                Alert stored = write(pending);
                synchronized (lock) {
                    written(pending, stored);
                }
                writesSucceeded();
            } catch (RuntimeException e) {
                writeFailed(pending.content().ruleId(), e);
                return;
            }
        }
    }

    /**
     * Resolutions first, oldest first (an alert resolved and raised again during an outage must become two
     * rows, and the new one must not join the old one's row); then new and escalated alerts, then due updates.
     */
    private Pending nextWrite(boolean everything) {
        Entry resolved = unsavedResolutions.peekFirst();
        if (resolved != null) {
            return new Pending(resolved, resolved.resolution, resolved.version, true);
        }
        Instant now = now();
        for (Entry entry : active.values()) {
            boolean dirty = entry.version != entry.savedVersion;
            if (entry.alert.id() == 0 || dirty && (entry.urgent || everything || saveDue(entry, now))) {
                return new Pending(entry, entry.alert, entry.version, false);
            }
        }
        return null;
    }

    private Alert write(Pending pending) {
        Alert content = pending.content();
        if (pending.resolution()) {
            database.once(work, c -> {
                AlertTable.resolve(c, content);
                return null;
            });
            return content;
        }
        return database.once(work, c -> content.id() > 0 && AlertTable.update(c, content) ? content : AlertTable.upsert(c, content));
    }

    private void written(Pending pending, Alert stored) {
        Entry entry = pending.entry();
        if (pending.resolution()) {
            unsavedResolutions.remove(entry);
            return;
        }
        Alert current = entry.alert;
        boolean joined = stored.id() != current.id() || !stored.firstSeen().equals(current.firstSeen());
        // Keep what changed meanwhile; take the row's id, first seen (it may be another instance's) and acknowledgement.
        entry.alert = new Alert(stored.id(), current.ruleId(), current.severity(), current.message(), current.hint(),
                stored.firstSeen(), current.lastSeen(), null, stored.acknowledgedBy(), stored.acknowledgedAt());
        entry.savedVersion = pending.version();
        entry.savedAt = pending.content().lastSeen();
        if (entry.version == pending.version()) {
            entry.urgent = false;
        }
        if (entry.resolution != null) {
            entry.resolution = withId(entry.resolution, stored.id());
        } else if (joined || !entry.alert.equals(current)) {
            publish();
        }
    }

    private static Alert withId(Alert a, long id) {
        return new Alert(id, a.ruleId(), a.severity(), a.message(), a.hint(), a.firstSeen(), a.lastSeen(), a.resolvedAt(),
                a.acknowledgedBy(), a.acknowledgedAt());
    }

    private void writesSucceeded() {
        synchronized (lock) {
            if (!writesFailing) {
                return;
            }
            writesFailing = false;
        }
        log.info("Alerts are recorded in the database again");
    }

    private void writeFailed(String ruleId, RuntimeException e) {
        synchronized (lock) {
            if (writesFailing) {
                return;
            }
            writesFailing = true;
        }
        log.warn("Could not record alert {} ({}); alerts are kept in memory and recorded when the database answers",
                ruleId, e.getMessage());
    }

    /**
     * Reads back acknowledgements and silences made by another process (the command line, another instance's
     * dashboard or admin chat), so this instance shows them and tells its listeners.
     */
    private void refreshIfDue() {
        Instant now = now();
        if (refreshedAt != null && now.isBefore(refreshedAt.plus(REFRESH_EVERY))) {
            return;
        }
        refreshedAt = now;
        record Stored(List<Alert> alerts, List<Silence> silences) {
        }
        Stored stored;
        try {
            stored = database.once(work, c -> new Stored(AlertTable.active(c), AlertTable.silences(c, now)));
        } catch (DatabaseException e) {
            log.debug("Acknowledgements and silences not refreshed: {}", e.getMessage());
            return;
        }
        for (Alert alert : stored.alerts()) {
            if (alert.acknowledged()) {
                mergeAcknowledgement(alert);
            }
        }
        replaceSilences(current -> stored.silences());
    }

    private void mergeAcknowledgement(Alert stored) {
        synchronized (lock) {
            Entry entry = active.get(stored.ruleId());
            if (entry == null || entry.alert.id() != stored.id() || entry.alert.acknowledged() == stored.acknowledged()) {
                return;
            }
            entry.alert = entry.alert.withAcknowledgement(stored.acknowledgedBy(), stored.acknowledgedAt());
            publish();
            Alert acknowledged = entry.alert;
            tell(acknowledged, listener -> listener.acknowledged(acknowledged));
        }
    }

    private void replaceSilences(java.util.function.UnaryOperator<List<Silence>> change) {
        synchronized (lock) {
            Instant now = clock.instant();
            List<Silence> updated = change.apply(silences).stream().filter(s -> now.isBefore(s.until()))
                    .sorted(Comparator.comparing(Silence::rule)).toList();
            if (updated.equals(silences)) {
                return;
            }
            silences = updated;
            publish();
            tell(null, listener -> listener.silencesChanged(updated));
        }
    }

    // --- memory, under the lock ----------------------------------------------------------------------

    private void publish() {
        List<Alert> list = new ArrayList<>(active.size());
        Map<String, Alert> byRule = new LinkedHashMap<>();
        for (Entry entry : active.values()) {
            list.add(entry.alert);
            byRule.put(entry.alert.ruleId(), entry.alert);
        }
        list.sort(MOST_SEVERE_FIRST);
        view = new View(List.copyOf(list), java.util.Collections.unmodifiableMap(byRule), silences);
    }

    /** Calls the listeners on the event thread, after every change queued before. */
    private void tell(Alert alert, Consumer<AlertListener> call) {
        submit(events, () -> {
            for (AlertListener listener : listeners) {
                try {
                    call.accept(listener);
                } catch (RuntimeException e) {
                    log.warn("Alert listener {} failed on {}", listener.getClass().getSimpleName(),
                            alert == null ? "a silence" : alert.ruleId(), e);
                }
            }
        });
    }

    private static void submit(ExecutorService executor, Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // Closing: the final write pass is already queued, and listeners are gone.
            log.debug("Alert work after close ignored");
        }
    }

    /** PostgreSQL keeps microseconds: memory holds the same instants as the table. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static boolean saveDue(Entry entry, Instant now) {
        return entry.savedAt == null || !now.isBefore(entry.savedAt.plus(PERSIST_UPDATES_EVERY));
    }

    private static void log(Alert alert) {
        if (alert.severity() == Severity.INFO) {
            log.info("Alert [{}] {}: {}", alert.severity(), alert.ruleId(), alert.message());
        } else {
            log.warn("Alert [{}] {}: {}", alert.severity(), alert.ruleId(), alert.message());
        }
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("An alert needs a " + what);
        }
    }
}
