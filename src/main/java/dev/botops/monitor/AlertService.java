package dev.botops.monitor;

import dev.botops.db.Database;
import dev.botops.db.DatabaseException;
import dev.botops.db.Work;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link AlertSink}: keeps the active alerts in memory (the dashboard and {@code /health} read them
 * without a query), records every raise and resolve in the {@code alerts} table so history survives restarts,
 * and tells {@link AlertListener}s about new alerts, severity changes and resolutions.
 *
 * <p>Alerts must work while the database is down (that is when "database unreachable" is raised): a write
 * that fails is kept in memory and written by {@link #sync()} once the database answers again, so the
 * outage itself ends up in the history. Writes are single statements without retries; a failure never
 * blocks the caller for longer than one connection attempt.
 *
 * <p>Thread-safe: the monitor, maintenance and the bot call it from their own threads. Listeners are
 * called on the caller's thread, in order, and must return quickly.
 */
public final class AlertService implements AlertSink, AutoCloseable {
    /** Changes that keep the severity (a new message, last seen) are written at most this often. */
    static final Duration PERSIST_UPDATES_EVERY = Duration.ofMinutes(1);
    /** Most severe first, then oldest first: the order operators read alerts in. */
    public static final Comparator<Alert> MOST_SEVERE_FIRST =
            Comparator.comparing(Alert::severity).reversed().thenComparing(Alert::firstSeen);
    private static final Logger log = LoggerFactory.getLogger(AlertService.class);
    private static final Work WORK = new Work("alerts", Duration.ofSeconds(5), Duration.ofSeconds(1));
    private static final String COLUMNS = "alert_id, rule_id, severity, message, hint, first_seen, last_seen, resolved_at";

    private final Database database;
    private final Clock clock;
    private final List<AlertListener> listeners = new CopyOnWriteArrayList<>();
    /** Guarded by {@code this}. */
    private final Map<String, Entry> active = new LinkedHashMap<>();
    /** Resolutions not written yet (the database was down); guarded by {@code this}. */
    private final List<Alert> unsavedResolutions = new ArrayList<>();
    /** Guarded by {@code this}: logs a failing database once per outage, not once per write. */
    private boolean writesFailing;

    public AlertService(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** An active alert and whether memory is ahead of the table. */
    private static final class Entry {
        Alert alert;
        boolean dirty;
        Instant savedAt;

        Entry(Alert alert) {
            this.alert = alert;
            this.dirty = alert.id() == 0;
            this.savedAt = alert.id() == 0 ? null : alert.lastSeen();
        }
    }

    /** Reads the active alerts from the table (at start: alerts stay active across restarts). */
    public synchronized void load() {
        List<Alert> stored = database.withConnection(WORK, c -> query(c,
                "SELECT " + COLUMNS + " FROM alerts WHERE resolved_at IS NULL ORDER BY first_seen", -1));
        active.clear();
        for (Alert alert : stored) {
            active.put(alert.ruleId(), new Entry(alert));
        }
        if (!stored.isEmpty()) {
            log.info("{} alert(s) still active from before: {}", stored.size(), active.keySet());
        }
    }

    public void addListener(AlertListener listener) {
        listeners.add(listener);
    }

    public void removeListener(AlertListener listener) {
        listeners.remove(listener);
    }

    @Override
    public synchronized void raise(String ruleId, Severity severity, String message, String hint) {
        requireText(ruleId, "ruleId");
        requireText(message, "message");
        if (severity == null) {
            throw new IllegalArgumentException("An alert needs a severity");
        }
        String safeHint = hint == null ? "" : hint;
        Instant now = now();
        Entry entry = active.get(ruleId);
        if (entry == null) {
            entry = new Entry(new Alert(0, ruleId, severity, message, safeHint, now, now, null));
            active.put(ruleId, entry);
            saveUnlessFailing(entry);
            log(entry.alert);
            notifyRaised(entry.alert);
            return;
        }
        Alert before = entry.alert;
        entry.alert = new Alert(before.id(), ruleId, severity, message, safeHint, before.firstSeen(), now, null);
        entry.dirty = true;
        boolean severityChanged = before.severity() != severity;
        if (severityChanged || saveDue(entry, now)) {
            saveUnlessFailing(entry);
        }
        if (severityChanged) {
            log(entry.alert);
            notifyRaised(entry.alert);
        }
    }

    @Override
    public synchronized void resolve(String ruleId) {
        Entry entry = active.remove(ruleId);
        if (entry == null) {
            return;
        }
        Instant now = now();
        Alert a = entry.alert;
        Alert resolved = new Alert(a.id(), a.ruleId(), a.severity(), a.message(), a.hint(), a.firstSeen(), now, now);
        if (writesFailing || !saveResolution(resolved)) {
            unsavedResolutions.add(resolved);
        }
        log.info("Alert resolved: {} (active since {})", ruleId, a.firstSeen());
        notifyListeners(resolved, listener -> listener.resolved(resolved));
    }

    /**
     * Writes what memory holds and the table does not: alerts raised or resolved while the database was
     * down, and pending updates that are due. The monitor calls it after every successful snapshot.
     */
    public synchronized void sync() {
        writesFailing = false;
        // Resolutions first: an alert resolved and raised again during an outage must become two rows.
        unsavedResolutions.removeIf(resolved -> !writesFailing && saveResolution(resolved));
        Instant now = now();
        for (Entry entry : active.values()) {
            if (writesFailing) {
                return;
            }
            if (entry.alert.id() == 0 || entry.dirty && saveDue(entry, now)) {
                save(entry);
            }
        }
    }

    /** The active alerts, most severe first, then oldest first. */
    public synchronized List<Alert> active() {
        List<Alert> result = new ArrayList<>();
        for (Entry entry : active.values()) {
            result.add(entry.alert);
        }
        result.sort(MOST_SEVERE_FIRST);
        return result;
    }

    public synchronized Optional<Alert> active(String ruleId) {
        Entry entry = active.get(ruleId);
        return entry == null ? Optional.empty() : Optional.of(entry.alert);
    }

    /** Severity of each active alert by rule id (what the rules' hysteresis needs). */
    public synchronized Map<String, Severity> activeSeverities() {
        Map<String, Severity> result = new LinkedHashMap<>();
        active.forEach((rule, entry) -> result.put(rule, entry.alert.severity()));
        return result;
    }

    /** Alert history from the table, newest first, active and resolved. */
    public List<Alert> recent(int limit) {
        return database.withConnection(WORK, c -> query(c,
                "SELECT " + COLUMNS + " FROM alerts ORDER BY first_seen DESC, alert_id DESC LIMIT ?", limit));
    }

    /** Writes pending changes (including last seen and messages not yet due) before the database closes. */
    @Override
    public synchronized void close() {
        writesFailing = false;
        unsavedResolutions.removeIf(resolved -> !writesFailing && saveResolution(resolved));
        for (Entry entry : active.values()) {
            if (entry.dirty && !writesFailing) {
                save(entry);
            }
        }
        if (writesFailing) {
            log.warn("Some alert changes could not be recorded before closing (database unavailable)");
        }
    }

    /** PostgreSQL keeps microseconds: memory holds the same instants as the table. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static boolean saveDue(Entry entry, Instant now) {
        return entry.savedAt == null || !now.isBefore(entry.savedAt.plus(PERSIST_UPDATES_EVERY));
    }

    /**
     * While writes are failing (the database is down) new changes wait for {@link #sync()} instead of each
     * costing the caller a connection timeout.
     */
    private void saveUnlessFailing(Entry entry) {
        // An earlier episode of the rule still waiting to be closed must be closed before a new one is written.
        unsavedResolutions.removeIf(resolved -> !writesFailing && saveResolution(resolved));
        if (!writesFailing) {
            save(entry);
        }
    }

    /** Inserts or updates an active alert; on failure it stays dirty for {@link #sync()}. */
    private void save(Entry entry) {
        Alert alert = entry.alert;
        try {
            Alert saved = database.once(WORK, c -> {
                if (alert.id() > 0 && update(c, alert)) {
                    return alert;
                }
                return upsert(c, alert);
            });
            entry.alert = saved;
            entry.dirty = false;
            entry.savedAt = alert.lastSeen();
            writesSucceeded();
        } catch (DatabaseException e) {
            writeFailed(alert.ruleId(), e);
        }
    }

    private static boolean update(Connection c, Alert alert) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE alerts SET severity = ?, message = ?, hint = ?, last_seen = ? WHERE alert_id = ? AND resolved_at IS NULL")) {
            ps.setString(1, alert.severity().name());
            ps.setString(2, alert.message());
            ps.setString(3, alert.hint());
            ps.setTimestamp(4, Timestamp.from(alert.lastSeen()));
            ps.setLong(5, alert.id());
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Inserts the alert, or joins the active row of its rule that another instance (or an earlier run that
     * could not read it) wrote: one active alert per rule, kept by the table's partial unique index.
     */
    private static Alert upsert(Connection c, Alert alert) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO alerts (rule_id, severity, message, hint, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (rule_id) WHERE resolved_at IS NULL DO UPDATE SET severity = EXCLUDED.severity,"
                        + " message = EXCLUDED.message, hint = EXCLUDED.hint,"
                        + " last_seen = greatest(alerts.last_seen, EXCLUDED.last_seen)"
                        + " RETURNING " + COLUMNS)) {
            ps.setString(1, alert.ruleId());
            ps.setString(2, alert.severity().name());
            ps.setString(3, alert.message());
            ps.setString(4, alert.hint());
            ps.setTimestamp(5, Timestamp.from(alert.firstSeen()));
            ps.setTimestamp(6, Timestamp.from(alert.lastSeen()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return alert(rs);
            }
        }
    }

    /** Writes a resolution: closes the stored row, or records the whole episode if it never was stored. */
    private boolean saveResolution(Alert resolved) {
        try {
            database.once(WORK, c -> {
                if (resolved.id() > 0) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "UPDATE alerts SET severity = ?, message = ?, hint = ?, last_seen = ?, resolved_at = ?"
                                    + " WHERE alert_id = ? AND resolved_at IS NULL")) {
                        bindContent(ps, resolved);
                        ps.setLong(6, resolved.id());
                        return ps.executeUpdate();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO alerts (severity, message, hint, last_seen, resolved_at, rule_id, first_seen)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    bindContent(ps, resolved);
                    ps.setString(6, resolved.ruleId());
                    ps.setTimestamp(7, Timestamp.from(resolved.firstSeen()));
                    return ps.executeUpdate();
                }
            });
            writesSucceeded();
            return true;
        } catch (DatabaseException e) {
            writeFailed(resolved.ruleId(), e);
            return false;
        }
    }

    private static void bindContent(PreparedStatement ps, Alert alert) throws SQLException {
        ps.setString(1, alert.severity().name());
        ps.setString(2, alert.message());
        ps.setString(3, alert.hint());
        ps.setTimestamp(4, Timestamp.from(alert.lastSeen()));
        ps.setTimestamp(5, Timestamp.from(alert.resolvedAt()));
    }

    private void writesSucceeded() {
        if (writesFailing) {
            writesFailing = false;
            log.info("Alerts are recorded in the database again");
        }
    }

    private void writeFailed(String ruleId, DatabaseException e) {
        if (!writesFailing) {
            writesFailing = true;
            log.warn("Could not record alert {} ({}); alerts are kept in memory and recorded when the database answers",
                    ruleId, e.getMessage());
        }
    }

    private void notifyRaised(Alert alert) {
        notifyListeners(alert, listener -> listener.raised(alert));
    }

    private void notifyListeners(Alert alert, Consumer<AlertListener> call) {
        for (AlertListener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                log.warn("Alert listener {} failed on {}", listener.getClass().getSimpleName(), alert.ruleId(), e);
            }
        }
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

    private static List<Alert> query(Connection c, String sql, int limit) throws SQLException {
        List<Alert> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (limit >= 0) {
                ps.setInt(1, limit);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(alert(rs));
                }
            }
        }
        return result;
    }

    private static Alert alert(ResultSet rs) throws SQLException {
        Timestamp resolved = rs.getTimestamp(8);
        return new Alert(rs.getLong(1), rs.getString(2), Severity.valueOf(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant(),
                resolved == null ? null : resolved.toInstant());
    }
}
