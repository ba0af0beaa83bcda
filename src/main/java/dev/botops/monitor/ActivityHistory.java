package dev.botops.monitor;

import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import dev.botops.db.Database;
import dev.botops.db.Work;
import dev.botops.monitor.UnusualActivityRules.ConnectionPoint;
import dev.botops.monitor.UnusualActivityRules.CounterSample;
import dev.botops.monitor.UnusualActivityRules.History;
import dev.botops.monitor.UnusualActivityRules.SilenceHistory;
import dev.botops.monitor.UnusualActivityRules.SizePoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The queries behind the unusual-activity rules, on the history BotOps keeps: {@code metric_samples} (size and
 * connections, reduced to one point per hour in SQL), the bot's {@code message_log} (its incoming updates), and
 * {@code activity_samples} (error counters, which this class records). A handful of indexed queries on one
 * connection, run every {@code alerts.unusual.every}, never per snapshot.
 */
public final class ActivityHistory {
    private static final Work WORK = new Work("monitor-unusual", Duration.ofSeconds(20), Duration.ofMillis(500));
    private static final int PRUNE_BATCH = 5_000;
    /** One point per hour counted back from now ({@code k} hours ago): the last size and the most other connections. */
    private static final String HOURLY = "SELECT k, (array_agg(database_bytes ORDER BY sampled_at DESC))[1],"
            + " max(connections_total - connections_ours) FROM (SELECT floor(extract(epoch FROM (?::timestamptz - sampled_at))"
            + " / 3600)::int AS k, sampled_at, database_bytes, connections_total, connections_ours FROM metric_samples"
            + " WHERE sampled_at > ?::timestamptz AND sampled_at <= ?::timestamptz) s GROUP BY k ORDER BY k DESC";
    private static final String OTHERS_NOW = "SELECT connections_total - connections_ours FROM metric_samples"
            + " WHERE sampled_at <= ? AND sampled_at > ? ORDER BY sampled_at DESC LIMIT 1";
    private static final String UPDATES_SPAN = "SELECT (SELECT max(logged_at) FROM message_log WHERE direction = 'IN' AND logged_at <= ?),"
            + " (SELECT min(logged_at) FROM message_log WHERE direction = 'IN')";
    /** Updates (up to 10: enough to say "busy") in the same stretch 1 to 4 weeks ago. */
    private static final String SAME_STRETCH = "SELECT w, (SELECT count(*) FROM (SELECT 1 FROM message_log m WHERE m.direction = 'IN'"
            + " AND m.logged_at > ?::timestamptz - w * interval '7 days' - make_interval(secs => ?)"
            + " AND m.logged_at <= ?::timestamptz - w * interval '7 days' LIMIT 10) x) FROM generate_series(1, 4) w ORDER BY w";
    private static final String COUNTERS = "SELECT instance, sampled_at, bot_errors, db_rollbacks FROM activity_samples"
            + " WHERE sampled_at > ? AND sampled_at <= ? ORDER BY instance, sampled_at";
    private static final String RECORD = "INSERT INTO activity_samples (instance, sampled_at, bot_updates, bot_errors, db_commits,"
            + " db_rollbacks) SELECT ?, ?, ?, ?, xact_commit, xact_rollback FROM pg_stat_database WHERE datname = current_database()"
            + " ON CONFLICT DO NOTHING";
    private static final String PRUNE = "DELETE FROM activity_samples WHERE ctid IN (SELECT ctid FROM activity_samples"
            + " WHERE sampled_at < ? LIMIT " + PRUNE_BATCH + ")";

    private final Database database;
    private final Duration retention;

    public ActivityHistory(Database database, Settings settings) {
        this.database = database;
        this.retention = settings.duration(ConfigKey.MONITOR_HISTORY_RETENTION);
    }

    /** This process's bot counters since it started. */
    public record BotCounters(long updates, long errors) {
    }

    /** Records this instance's counters now (the database's from {@code pg_stat_database}). */
    public void record(String instance, Instant at, BotCounters bot) {
        database.once(WORK, c -> {
            try (PreparedStatement ps = c.prepareStatement(RECORD)) {
                ps.setString(1, instance);
                ps.setTimestamp(2, Timestamp.from(at));
                if (bot == null) {
                    ps.setNull(3, Types.BIGINT);
                    ps.setNull(4, Types.BIGINT);
                } else {
                    ps.setLong(3, bot.updates());
                    ps.setLong(4, bot.errors());
                }
                return ps.executeUpdate();
            }
        });
    }

    /** Deletes samples older than the monitor's history retention, in bounded batches. */
    public long prune(Instant now) {
        return database.once(WORK, c -> {
            long deleted = 0;
            try (PreparedStatement ps = c.prepareStatement(PRUNE)) {
                ps.setTimestamp(1, Timestamp.from(now.minus(retention)));
                for (int batch = 0; batch < 100; batch++) {
                    int rows = ps.executeUpdate();
                    deleted += rows;
                    if (rows < PRUNE_BATCH) {
                        break;
                    }
                }
            }
            return deleted;
        });
    }

    /** Everything the rules read, as of {@code now}. */
    public History read(Instant now) {
        return database.withConnection(WORK, c -> {
            List<SizePoint> sizes = new ArrayList<>();
            List<ConnectionPoint> others = new ArrayList<>();
            hourly(c, now, sizes, others);
            return new History(now, sizes, silence(c, now), counters(c, now), others, othersNow(c, now));
        });
    }

    private static void hourly(Connection c, Instant now, List<SizePoint> sizes, List<ConnectionPoint> others) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(HOURLY)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now.minus(UnusualActivityRules.WEEK).minus(Duration.ofHours(2))));
            ps.setTimestamp(3, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant at = now.minus(Duration.ofHours(rs.getInt(1)));
                    sizes.add(new SizePoint(at, rs.getLong(2)));
                    others.add(new ConnectionPoint(at, rs.getInt(3)));
                }
            }
        }
    }

    private static int othersNow(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(OTHERS_NOW)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now.minus(Duration.ofMinutes(10))));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : -1;
            }
        }
    }

    private static SilenceHistory silence(Connection c, Instant now) throws SQLException {
        Instant last;
        Instant oldest;
        try (PreparedStatement ps = c.prepareStatement(UPDATES_SPAN)) {
            ps.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                last = instant(rs.getTimestamp(1));
                oldest = instant(rs.getTimestamp(2));
            }
        }
        if (last == null) {
            return SilenceHistory.NONE;
        }
        List<Integer> weeks = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SAME_STRETCH)) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setDouble(2, Duration.between(last, now).toMillis() / 1000.0);
            ps.setTimestamp(3, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    weeks.add(rs.getInt(2));
                }
            }
        }
        return new SilenceHistory(last, oldest, weeks);
    }

    private static List<CounterSample> counters(Connection c, Instant now) throws SQLException {
        List<CounterSample> samples = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(COUNTERS)) {
            // An hour before the norm's start, so the first increase in it has a sample before it.
            ps.setTimestamp(1, Timestamp.from(now.minus(UnusualActivityRules.ERROR_WINDOW).minus(UnusualActivityRules.WEEK)
                    .minus(Duration.ofHours(1))));
            ps.setTimestamp(2, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long botErrors = rs.getLong(3);
                    samples.add(new CounterSample(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.wasNull() ? null : botErrors,
                            rs.getLong(4)));
                }
            }
        }
        return samples;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
