package dev.botops.channels;

import dev.botops.channels.DeliveryPlanner.Planned;
import dev.botops.channels.DeliveryPlanner.Recorded;
import dev.botops.channels.Notification.Kind;
import dev.botops.monitor.Alert;
import dev.botops.monitor.AlertTable;
import dev.botops.monitor.Severity;
import dev.botops.monitor.Silence;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of the {@code alert_deliveries} outbox. Rows are created with {@code ON CONFLICT DO NOTHING} on their
 * unique (alert, channel, event), claimed with {@code FOR UPDATE SKIP LOCKED} and an expiry (a claim is a
 * column, never a lock held between statements), and finished by the claimer only. Times that belong to the
 * alert's story (created, sent, silences) come from the app's clock; claims and retry times from the
 * database's, which all instances share.
 */
final class DeliveryOutbox {
    /** An alert resolved longer ago than this is not planned for any more (a resolution held back by a long silence). */
    static final Duration RESOLVED_WINDOW = Duration.ofDays(8);

    private DeliveryOutbox() {
    }

    /** What planning needs, read in one go. */
    record State(List<Alert> alerts, List<Recorded> recorded, List<Silence> silences) {
    }

    /** A claimed delivery and the alert it is about. */
    record Claimed(long deliveryId, String channel, Kind kind, String event, int attempts, Alert alert) {
        int reminder() {
            return kind == Kind.REMINDER ? Integer.parseInt(event.substring(event.indexOf(':') + 1)) : 0;
        }

        String key() {
            return alert.id() + ":" + event;
        }
    }

    /**
     * The active alerts, and the recently resolved ones that some channel heard of but has no resolution for
     * yet; what has been recorded for them; the silences in force.
     */
    static State read(Connection c, Instant now) throws SQLException {
        List<Alert> alerts = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + AlertTable.COLUMNS + " FROM alerts a WHERE a.resolved_at IS NULL"
                + " OR a.resolved_at > ? AND EXISTS (SELECT 1 FROM alert_deliveries s WHERE s.alert_id = a.alert_id AND s.kind = 'START'"
                + " AND NOT EXISTS (SELECT 1 FROM alert_deliveries r WHERE r.alert_id = s.alert_id AND r.channel = s.channel"
                + " AND r.kind = 'RESOLUTION')) ORDER BY a.alert_id")) {
            ps.setTimestamp(1, Timestamp.from(now.minus(RESOLVED_WINDOW)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    alerts.add(AlertTable.alert(rs));
                }
            }
        }
        List<Recorded> recorded = new ArrayList<>();
        if (!alerts.isEmpty()) {
            Array ids = c.createArrayOf("bigint", alerts.stream().map(Alert::id).toArray());
            try (PreparedStatement ps = c.prepareStatement("SELECT alert_id, channel, kind, event, severity, state = 'PENDING',"
                    + " created_at, done_at FROM alert_deliveries WHERE alert_id = ANY(?)")) {
                ps.setArray(1, ids);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Timestamp done = rs.getTimestamp(8);
                        recorded.add(new Recorded(rs.getLong(1), rs.getString(2), Kind.valueOf(rs.getString(3)), rs.getString(4),
                                Severity.valueOf(rs.getString(5)), rs.getBoolean(6), rs.getTimestamp(7).toInstant(),
                                done == null ? null : done.toInstant()));
                    }
                }
            } finally {
                ids.free();
            }
        }
        return new State(alerts, recorded, AlertTable.silences(c, now));
    }

    /** Records planned deliveries; those another instance recorded first are left as they are. */
    static int record(Connection c, List<Planned> planned, Instant now, Duration giveUpAfter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_deliveries (alert_id, channel, event, kind, rule_id,"
                + " severity, message, hint, created_at, give_up_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (alert_id, channel, event) DO NOTHING")) {
            for (Planned p : planned) {
                ps.setLong(1, p.alertId());
                ps.setString(2, p.channel());
                ps.setString(3, p.event());
                ps.setString(4, p.kind().name());
                ps.setString(5, p.ruleId());
                ps.setString(6, p.severity().name());
                ps.setString(7, p.message());
                ps.setString(8, p.hint());
                ps.setTimestamp(9, Timestamp.from(now));
                ps.setTimestamp(10, Timestamp.from(now.plus(giveUpAfter)));
                ps.addBatch();
            }
            int added = 0;
            for (int rows : ps.executeBatch()) {
                added += Math.max(rows, 0);
            }
            return added;
        }
    }

    /**
     * Claims up to {@code limit} due deliveries of the given channels: pending, due, unclaimed or with an expired
     * claim, not behind an earlier pending message of the same alert to the same channel (messages arrive in
     * order), and not of a silenced rule.
     */
    static List<Claimed> claim(Connection c, String instance, List<String> channels, Duration claimFor, Instant now, int limit)
            throws SQLException {
        List<Claimed> claimed = new ArrayList<>();
        Array names = c.createArrayOf("text", channels.toArray());
        try (PreparedStatement ps = c.prepareStatement("UPDATE alert_deliveries d SET claimed_by = ?,"
                + " claimed_until = now() + make_interval(secs => ?), attempts = d.attempts + 1"
                + " FROM (SELECT p.delivery_id FROM alert_deliveries p WHERE p.state = 'PENDING' AND p.channel = ANY(?)"
                + "   AND p.next_attempt_at <= now() AND (p.claimed_until IS NULL OR p.claimed_until < now())"
                + "   AND NOT EXISTS (SELECT 1 FROM alert_deliveries e WHERE e.alert_id = p.alert_id AND e.channel = p.channel"
                + "     AND e.state = 'PENDING' AND e.delivery_id < p.delivery_id)"
                + "   AND NOT EXISTS (SELECT 1 FROM alert_silences s WHERE s.silenced_until > ? AND (s.rule_id = p.rule_id"
                + "     OR right(s.rule_id, 1) = '*' AND starts_with(p.rule_id, left(s.rule_id, -1))))"
                + "   ORDER BY p.delivery_id LIMIT ? FOR UPDATE SKIP LOCKED) picked, alerts a"
                + " WHERE d.delivery_id = picked.delivery_id AND a.alert_id = d.alert_id"
                + " RETURNING d.delivery_id, d.channel, d.kind, d.event, d.attempts, d.alert_id, d.rule_id, d.severity, d.message,"
                + " d.hint, a.first_seen, a.last_seen, a.resolved_at, a.acknowledged_by, a.acknowledged_at")) {
            ps.setString(1, instance);
            ps.setDouble(2, claimFor.toMillis() / 1000.0);
            ps.setArray(3, names);
            ps.setTimestamp(4, Timestamp.from(now));
            ps.setInt(5, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Alert alert = new Alert(rs.getLong(6), rs.getString(7), Severity.valueOf(rs.getString(8)), rs.getString(9),
                            rs.getString(10), rs.getTimestamp(11).toInstant(), rs.getTimestamp(12).toInstant(),
                            instant(rs.getTimestamp(13)), rs.getString(14), instant(rs.getTimestamp(15)));
                    claimed.add(new Claimed(rs.getLong(1), rs.getString(2), Kind.valueOf(rs.getString(3)), rs.getString(4),
                            rs.getInt(5), alert));
                }
            }
        } finally {
            names.free();
        }
        claimed.sort(java.util.Comparator.comparingLong(Claimed::deliveryId));
        return claimed;
    }

    /**
     * Renews a claim just before its attempt (a batch's later messages would otherwise outlive their claim while
     * earlier ones wait for slow receivers); false when it was lost to another instance meanwhile.
     */
    static boolean renew(Connection c, long deliveryId, String instance, Duration claimFor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE alert_deliveries SET claimed_until = now() + make_interval(secs => ?)"
                + " WHERE delivery_id = ? AND claimed_by = ? AND state = 'PENDING'")) {
            ps.setDouble(1, claimFor.toMillis() / 1000.0);
            ps.setLong(2, deliveryId);
            ps.setString(3, instance);
            return ps.executeUpdate() == 1;
        }
    }

    /** Marks a claimed delivery sent; false when the claim was lost (it expired and another instance took it). */
    static boolean sent(Connection c, long deliveryId, String instance, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE alert_deliveries SET state = 'SENT', done_at = ?, sent_by = ?,"
                + " claimed_by = NULL, claimed_until = NULL, last_error = NULL WHERE delivery_id = ? AND claimed_by = ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setString(2, instance);
            ps.setLong(3, deliveryId);
            ps.setString(4, instance);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Reschedules a failed attempt {@code after} from now, or records it as failed when that is past its give-up
     * time (or {@code after} is null: the receiver's answer was final).
     *
     * @return whether the delivery is now given up
     */
    static boolean failed(Connection c, long deliveryId, String instance, Duration after, String error, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE alert_deliveries SET"
                + " state = CASE WHEN ?::float8 IS NULL OR now() + make_interval(secs => ?::float8) > give_up_at THEN 'FAILED' ELSE 'PENDING' END,"
                + " done_at = CASE WHEN ?::float8 IS NULL OR now() + make_interval(secs => ?::float8) > give_up_at THEN ?::timestamptz END,"
                + " next_attempt_at = now() + make_interval(secs => coalesce(?::float8, 0)),"
                + " claimed_by = NULL, claimed_until = NULL, last_error = ?"
                + " WHERE delivery_id = ? AND claimed_by = ? RETURNING state")) {
            Double seconds = after == null ? null : after.toMillis() / 1000.0;
            for (int i : new int[] {1, 2, 3, 4, 6}) {
                if (seconds == null) {
                    ps.setNull(i, java.sql.Types.DOUBLE);
                } else {
                    ps.setDouble(i, seconds);
                }
            }
            ps.setTimestamp(5, Timestamp.from(now));
            ps.setString(7, error);
            ps.setLong(8, deliveryId);
            ps.setString(9, instance);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && "FAILED".equals(rs.getString(1));
            }
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
