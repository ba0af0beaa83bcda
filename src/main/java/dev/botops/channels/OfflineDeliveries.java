package dev.botops.channels;

import dev.botops.channels.Notification.Kind;
import dev.botops.monitor.Alert;
import dev.botops.monitor.AlertService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivery while the database cannot be reached, when the outbox cannot coordinate anything: the alerts this
 * instance raised meanwhile (above all "database unreachable") go to the channels straight from memory, a start
 * and, if it ends before the database is back, a resolution. Once the database answers, what was sent is
 * recorded in the outbox as sent, so it is not sent again. Every instance that sees the outage does this on its
 * own: an outage can reach a channel once per instance (documented).
 *
 * <p>Used by the delivery thread only.
 */
final class OfflineDeliveries {
    private static final Logger log = LoggerFactory.getLogger(OfflineDeliveries.class);
    /** A record whose alert never reaches the table (another instance's row took its place) is dropped after this. */
    private static final Duration FORGET_AFTER = Duration.ofHours(6);

    /** What one channel had of one alert raised while the database was down. */
    private static final class Sent {
        final Alert alert;
        final String channel;
        final Instant startAt;
        Instant resolutionAt;

        Sent(Alert alert, String channel, Instant startAt) {
            this.alert = alert;
            this.channel = channel;
            this.startAt = startAt;
        }
    }

    private final Map<String, Sent> sent = new LinkedHashMap<>();

    /** Sends what is due from memory: starts of unstored alerts, and resolutions of those that ended. */
    void deliver(AlertService alerts, AlertChannels channels, String instance, Instant now) {
        AlertService.View view = alerts.view();
        for (Alert alert : view.active()) {
            if (alert.id() != 0 || view.silences().stream().anyMatch(s -> s.covers(alert.ruleId(), now))) {
                continue;
            }
            for (AlertChannel channel : channels.all()) {
                String key = key(alert, channel.name());
                if (alert.severity().compareTo(channel.minSeverity()) < 0 || sent.containsKey(key)) {
                    continue;
                }
                if (send(channel, new Notification(Kind.START, "offline:" + key, alert, 0, instance, now))) {
                    sent.put(key, new Sent(alert, channel.name(), now));
                }
            }
        }
        for (Sent s : sent.values()) {
            boolean stillActive = view.byRule().values().stream().anyMatch(a -> key(a, s.channel).equals(key(s.alert, s.channel)));
            Optional<AlertChannel> channel = channels.named(s.channel);
            if (!stillActive && s.resolutionAt == null && channel.isPresent()) {
                Alert a = s.alert;
                Alert resolved = new Alert(0, a.ruleId(), a.severity(), a.message(), a.hint(), a.firstSeen(), now, now);
                if (send(channel.get(), new Notification(Kind.RESOLUTION, "offline:" + key(a, s.channel) + ":resolution", resolved, 0,
                        instance, now))) {
                    s.resolutionAt = now;
                }
            }
        }
    }

    private static boolean send(AlertChannel channel, Notification notification) {
        SendResult result = channel.send(notification);
        if (result.delivered()) {
            log.info("Alert {} {} delivered to {} while the database is unreachable", notification.alert().ruleId(),
                    notification.kind().label(), channel.name());
        } else {
            log.info("Alert {} {} not delivered to {} (the database is unreachable; tried again next time): {}",
                    notification.alert().ruleId(), notification.kind().label(), channel.name(), result.detail());
        }
        return result.delivered();
    }

    /** Alerts (by rule and first seen) this instance has sent from memory and not yet recorded: planning leaves them alone. */
    boolean covers(Alert alert) {
        return sent.values().stream().anyMatch(s -> s.alert.ruleId().equals(alert.ruleId()) && s.alert.firstSeen().equals(alert.firstSeen()));
    }

    /**
     * Records what was sent from memory as sent in the outbox, for the alerts whose rows the table has by now;
     * the others wait for their rows (and are forgotten after {@link #FORGET_AFTER}).
     */
    void record(Connection c, String instance, Instant now, Duration giveUpAfter) throws SQLException {
        for (Iterator<Sent> it = sent.values().iterator(); it.hasNext(); ) {
            Sent s = it.next();
            Optional<Long> id = alertId(c, s.alert);
            if (id.isPresent()) {
                insertSent(c, id.get(), s, Kind.START, "start", s.startAt, instance, giveUpAfter);
                if (s.resolutionAt != null) {
                    insertSent(c, id.get(), s, Kind.RESOLUTION, "resolution", s.resolutionAt, instance, giveUpAfter);
                }
                it.remove();
            } else if (s.startAt.plus(FORGET_AFTER).isBefore(now)) {
                it.remove();
            }
        }
    }

    private static Optional<Long> alertId(Connection c, Alert alert) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT alert_id FROM alerts WHERE rule_id = ? AND first_seen = ?")) {
            ps.setString(1, alert.ruleId());
            ps.setTimestamp(2, Timestamp.from(alert.firstSeen()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    private static void insertSent(Connection c, long alertId, Sent s, Kind kind, String event, Instant at, String instance,
                                   Duration giveUpAfter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_deliveries (alert_id, channel, event, kind, rule_id, severity,"
                + " message, hint, state, created_at, done_at, sent_by, give_up_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'SENT', ?, ?, ?, ?)"
                + " ON CONFLICT (alert_id, channel, event) DO NOTHING")) {
            ps.setLong(1, alertId);
            ps.setString(2, s.channel);
            ps.setString(3, event);
            ps.setString(4, kind.name());
            ps.setString(5, s.alert.ruleId());
            ps.setString(6, s.alert.severity().name());
            ps.setString(7, s.alert.message());
            ps.setString(8, s.alert.hint());
            ps.setTimestamp(9, Timestamp.from(at));
            ps.setTimestamp(10, Timestamp.from(at));
            ps.setString(11, instance);
            ps.setTimestamp(12, Timestamp.from(at.plus(giveUpAfter)));
            ps.executeUpdate();
        }
    }

    boolean isEmpty() {
        return sent.isEmpty();
    }

    private static String key(Alert alert, String channel) {
        return alert.ruleId() + "@" + alert.firstSeen() + "/" + channel;
    }

    /** For tests: the keys of what was sent from memory and not yet recorded. */
    List<String> pending() {
        return new ArrayList<>(sent.keySet());
    }
}
