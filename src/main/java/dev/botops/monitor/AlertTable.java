package dev.botops.monitor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL of the {@code alerts} and {@code alert_silences} tables; every method runs on a connection it is given.
 * Public only for what alert delivery reads too: the silences, and the columns of a row and their mapping.
 */
public final class AlertTable {
    public static final String COLUMNS =
            "alert_id, rule_id, severity, message, hint, first_seen, last_seen, resolved_at, acknowledged_by, acknowledged_at";
    private static final String SILENCE_COLUMNS = "rule_id, silenced_until, silenced_by, silenced_at";

    private AlertTable() {
    }

    static List<Alert> active(Connection c) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM alerts WHERE resolved_at IS NULL ORDER BY first_seen", -1);
    }

    static List<Alert> recent(Connection c, int limit) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM alerts ORDER BY first_seen DESC, alert_id DESC LIMIT ?", limit);
    }

    static Optional<Alert> byId(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE alert_id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(alert(rs)) : Optional.empty();
            }
        }
    }

    /** Updates the content of an active row; false when it is no longer active (another instance resolved it). */
    static boolean update(Connection c, Alert alert) throws SQLException {
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
     * could not read it) wrote: one active alert per rule, kept by the table's partial unique index. Returns the
     * stored row (its id, its first seen time, and an acknowledgement made meanwhile).
     */
    static Alert upsert(Connection c, Alert alert) throws SQLException {
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

    /** Closes the stored row of a resolved alert, or records the whole episode if it never was stored. */
    static void resolve(Connection c, Alert resolved) throws SQLException {
        if (resolved.id() > 0) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE alerts SET severity = ?, message = ?, hint = ?, last_seen = ?, resolved_at = ?"
                            + " WHERE alert_id = ? AND resolved_at IS NULL")) {
                bindContent(ps, resolved);
                ps.setLong(6, resolved.id());
                ps.executeUpdate();
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO alerts (severity, message, hint, last_seen, resolved_at, rule_id, first_seen)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            bindContent(ps, resolved);
            ps.setString(6, resolved.ruleId());
            ps.setTimestamp(7, Timestamp.from(resolved.firstSeen()));
            ps.executeUpdate();
        }
    }

    private static void bindContent(PreparedStatement ps, Alert alert) throws SQLException {
        ps.setString(1, alert.severity().name());
        ps.setString(2, alert.message());
        ps.setString(3, alert.hint());
        ps.setTimestamp(4, Timestamp.from(alert.lastSeen()));
        ps.setTimestamp(5, Timestamp.from(alert.resolvedAt()));
    }

    /** Acknowledges an active, unacknowledged alert; empty when there is none with that id. */
    static Optional<Alert> acknowledge(Connection c, long id, String by, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE alerts SET acknowledged_by = ?, acknowledged_at = ?"
                        + " WHERE alert_id = ? AND resolved_at IS NULL AND acknowledged_at IS NULL RETURNING " + COLUMNS)) {
            ps.setString(1, by);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setLong(3, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(alert(rs)) : Optional.empty();
            }
        }
    }

    /** Silences in force at {@code now}. */
    public static List<Silence> silences(Connection c, Instant now) throws SQLException {
        List<Silence> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT " + SILENCE_COLUMNS + " FROM alert_silences WHERE silenced_until > ? ORDER BY rule_id")) {
            ps.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new Silence(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3),
                            rs.getTimestamp(4).toInstant()));
                }
            }
        }
        return result;
    }

    static void silence(Connection c, Silence silence) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO alert_silences (" + SILENCE_COLUMNS + ") VALUES (?, ?, ?, ?) ON CONFLICT (rule_id) DO UPDATE SET"
                        + " silenced_until = EXCLUDED.silenced_until, silenced_by = EXCLUDED.silenced_by,"
                        + " silenced_at = EXCLUDED.silenced_at, lifted_by = NULL, lifted_at = NULL")) {
            ps.setString(1, silence.rule());
            ps.setTimestamp(2, Timestamp.from(silence.until()));
            ps.setString(3, silence.silencedBy());
            ps.setTimestamp(4, Timestamp.from(silence.silencedAt()));
            ps.executeUpdate();
        }
    }

    /** Ends a silence in force now; false when there was none for that rule. */
    static boolean lift(Connection c, String rule, String by, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE alert_silences SET silenced_until = ?, lifted_by = ?, lifted_at = ? WHERE rule_id = ? AND silenced_until > ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, by);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.setString(4, rule);
            ps.setTimestamp(5, Timestamp.from(now));
            return ps.executeUpdate() == 1;
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

    /** Maps the {@link #COLUMNS} of a row. */
    public static Alert alert(ResultSet rs) throws SQLException {
        return new Alert(rs.getLong(1), rs.getString(2), Severity.valueOf(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant(), instant(rs, 8),
                rs.getString(9), instant(rs, 10));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }
}
