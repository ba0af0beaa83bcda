package dev.botops.app.demo;

import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import dev.botops.db.Database;
import dev.botops.db.Work;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demo data for a first run in the sandbox: six weeks of synthetic history (users, trades, the message log,
 * processed updates, price ticks and monitor samples), so every chart, the forecast and a cleanup have
 * something to show at once. Part of it is older than the default retention (30 days of logs and ticks,
 * 7 days of processed updates), so the first cleanup has real work.
 *
 * <p>Removable exactly: everything tied to a user uses the reserved user id range
 * [{@link #FIRST_USER_ID}, {@link #LAST_USER_ID}] (private chats have the user's id), and the rows without a
 * user (samples, ticks) lie in a history window recorded in {@code demo_data}. That window ends before the
 * first real sample or tick that existed at install time, and the app only ever writes those at "now", so no
 * real row is ever inside it.
 */
public final class DemoData {
    /** Demo users (and their private chats) take ids from here; real Telegram ids are far smaller. */
    public static final long FIRST_USER_ID = 9_990_000_000_000L;
    /** The reserved range holds a thousand ids; the demo uses the first {@link #USERS}. */
    public static final long LAST_USER_ID = FIRST_USER_ID + 999;
    public static final int USERS = 24;
    /** How far back the synthetic history reaches. */
    public static final Duration HISTORY = Duration.ofDays(42);
    /** Generous bounds: generating six weeks of ticks takes a few seconds. */
    static final Work WORK = new Work("demo", Duration.ofMinutes(3), Duration.ofSeconds(5));
    private static final Logger log = LoggerFactory.getLogger(DemoData.class);
    /** Each user may act every two hours (not every slot), so about eight messages a user a day. */
    private static final Duration SLOT = Duration.ofHours(2);
    private static final List<String> NAMES = List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
            "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "uma", "victor", "walter",
            "xena", "yusuf", "zoe", "quinn");

    private final Database db;
    private final Clock clock;

    public DemoData(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** What is installed: when, and the history window of the rows without users. */
    public record Install(Instant installedAt, Instant historyFrom, Instant historyTo) {
    }

    /** Rows deleted per table by {@link #remove()}. */
    public record Removal(Map<String, Long> rowsDeleted) {
        public Removal {
            rowsDeleted = Map.copyOf(rowsDeleted);
        }

        public long total() {
            return rowsDeleted.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public static boolean isDemoUser(long userId) {
        return userId >= FIRST_USER_ID && userId <= LAST_USER_ID;
    }

    /** The installed demo data, if any. */
    public Optional<Install> installed() {
        return db.withConnection(WORK, DemoData::readInstall);
    }

    /** The history window an install would fill now (daily partitions for it are best created first). */
    public record Window(Instant from, Instant to) {
    }

    /** Six weeks up to now, or up to the first real sample or tick already stored, as {@link #install} will fill them. */
    public Window window() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant to = db.withConnection(WORK, c -> historyEnd(c, now));
        return new Window(to.minus(HISTORY), to);
    }

    /** True when the bot has no users and no trades yet: demo data is worth offering. */
    public boolean databaseIsEmpty() {
        return db.withConnection(WORK, c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM users) AND NOT EXISTS (SELECT 1 FROM trades)")) {
                rs.next();
                return rs.getBoolean(1);
            }
        });
    }

    /**
     * Generates the history in one transaction (all or nothing).
     *
     * @param settings the quota recorded in the samples and the users' starting balance
     * @throws IllegalStateException when demo data is already installed
     */
    public Install install(Settings settings) {
        long quotaBytes = settings.bytes(ConfigKey.STORAGE_QUOTA);
        BigDecimal startingBalance = BigDecimal.valueOf(settings.longValue(ConfigKey.BOT_STARTING_BALANCE));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        long started = System.nanoTime();
        Install install = db.inTransaction(WORK, c -> {
            if (readInstall(c).isPresent()) {
                throw new IllegalStateException("Demo data is already loaded; remove it first.");
            }
            Instant to = historyEnd(c, now);
            Instant from = to.minus(HISTORY);
            insertUsers(c, from, startingBalance);
            createEvents(c, from, to);
            insertBotRows(c, startingBalance);
            insertTicks(c, from, to);
            insertSamples(c, from, to, quotaBytes);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO demo_data (installed_at, history_from, history_to) VALUES (?, ?, ?)")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setTimestamp(2, Timestamp.from(from));
                ps.setTimestamp(3, Timestamp.from(to));
                ps.executeUpdate();
            }
            return new Install(now, from, to);
        });
        log.info("Demo data loaded: {} users, history from {} to {} ({} ms)", USERS, install.historyFrom(), install.historyTo(),
                (System.nanoTime() - started) / 1_000_000);
        return install;
    }

    /**
     * Deletes every demo row, live traffic of the demo users included, in one transaction. Stop the traffic
     * first, or a message in flight may add a row after this.
     */
    public Removal remove() {
        Removal removal = db.inTransaction(WORK, c -> {
            Map<String, Long> deleted = new LinkedHashMap<>();
            Optional<Install> install = readInstall(c);
            deleted.put("message_log", delete(c, "DELETE FROM message_log WHERE chat_id BETWEEN ? AND ? OR user_id BETWEEN ? AND ?",
                    FIRST_USER_ID, LAST_USER_ID, FIRST_USER_ID, LAST_USER_ID));
            deleted.put("processed_updates", delete(c, "DELETE FROM processed_updates WHERE chat_id BETWEEN ? AND ?",
                    FIRST_USER_ID, LAST_USER_ID));
            deleted.put("trades", delete(c, "DELETE FROM trades WHERE user_id BETWEEN ? AND ?", FIRST_USER_ID, LAST_USER_ID));
            deleted.put("positions", delete(c, "DELETE FROM positions WHERE user_id BETWEEN ? AND ?", FIRST_USER_ID, LAST_USER_ID));
            deleted.put("users", delete(c, "DELETE FROM users WHERE user_id BETWEEN ? AND ?", FIRST_USER_ID, LAST_USER_ID));
            if (install.isPresent()) {
                Timestamp from = Timestamp.from(install.get().historyFrom());
                Timestamp to = Timestamp.from(install.get().historyTo());
                deleted.put("metric_samples", delete(c, "DELETE FROM metric_samples WHERE sampled_at >= ? AND sampled_at < ?", from, to));
                deleted.put("price_ticks", delete(c, "DELETE FROM price_ticks WHERE ts >= ? AND ts < ?", from, to));
            }
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM demo_data");
            }
            return new Removal(deleted);
        });
        log.info("Demo data removed: {} rows ({})", removal.total(), removal.rowsDeleted());
        return removal;
    }

    private static Optional<Install> readInstall(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT installed_at, history_from, history_to FROM demo_data")) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Install(rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant(),
                    rs.getTimestamp(3).toInstant()));
        }
    }

    /** The history ends now, or before the first real sample or tick already stored, whichever is earlier. */
    private static Instant historyEnd(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT least(?::timestamptz, (SELECT min(sampled_at) FROM metric_samples),"
                + " (SELECT min(ts) FROM price_ticks))")) {
            ps.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getTimestamp(1).toInstant().truncatedTo(ChronoUnit.MINUTES);
            }
        }
    }

    private static void insertUsers(Connection c, Instant from, BigDecimal balance) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (user_id, chat_id, username, balance, created_at)"
                + " SELECT ?::bigint + n, ?::bigint + n, 'demo_' || (?::text[])[n + 1], ?, ?::timestamptz + n * interval '7 hours'"
                + " FROM generate_series(0, ? - 1) n")) {
            ps.setLong(1, FIRST_USER_ID);
            ps.setLong(2, FIRST_USER_ID);
            ps.setArray(3, c.createArrayOf("text", NAMES.toArray()));
            ps.setBigDecimal(4, balance);
            ps.setTimestamp(5, Timestamp.from(from));
            ps.setInt(6, USERS);
            ps.executeUpdate();
        }
    }

    /**
     * One row per synthetic message: who, when, which command on which symbol, the price then, and the texts.
     * Update ids of the history are negative ({@code -seq}), so they never meet the sandbox's positive ones.
     */
    private static void createEvents(Connection c, Instant from, Instant to) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE demo_symbols ON COMMIT DROP AS SELECT * FROM (VALUES (1, 'AAPL', 190.00),"
                    + " (2, 'AMZN', 180.00), (3, 'BTC', 60000.00), (4, 'ETH', 3000.00), (5, 'GOOG', 170.00), (6, 'MSFT', 420.00),"
                    + " (7, 'NVDA', 120.00), (8, 'TSLA', 250.00)) AS s(i, symbol, base)");
        }
        long slots = HISTORY.dividedBy(SLOT);
        try (PreparedStatement ps = c.prepareStatement("CREATE TEMP TABLE demo_events ON COMMIT DROP AS"
                + " SELECT row_number() OVER (ORDER BY e.at, e.user_id) AS seq, e.user_id, e.at, e.kind, s.symbol, p.price, p.qty,"
                + "  CASE e.kind WHEN 'buy' THEN '/buy ' || s.symbol || ' ' || trim_scale(p.qty)"
                + "   WHEN 'sell' THEN '/sell ' || s.symbol || ' ' || trim_scale(p.qty)"
                + "   WHEN 'price' THEN '/price ' || s.symbol ELSE '/' || e.kind END AS command,"
                + "  CASE e.kind WHEN 'buy' THEN 'Bought ' || trim_scale(p.qty) || ' ' || s.symbol || ' at $' || p.price || ' (demo data).'"
                + "   WHEN 'sell' THEN 'Sold ' || trim_scale(p.qty) || ' ' || s.symbol || ' at $' || p.price || ' (demo data).'"
                + "   WHEN 'price' THEN s.symbol || ' is at $' || p.price || ' (demo data).'"
                + "   WHEN 'portfolio' THEN 'Your portfolio: positions, value, profit and loss (demo data).'"
                + "   WHEN 'balance' THEN 'Your cash balance (demo data).'"
                + "   ELSE 'Your last trades (demo data).' END AS reply"
                + " FROM (SELECT ?::bigint + u AS user_id,"
                + "         ?::timestamptz + k * interval '2 hours' + ((u * 37 + k * 53) % 110) * interval '1 minute' AS at,"
                + "         (ARRAY['buy', 'buy', 'buy', 'sell', 'price', 'price', 'portfolio', 'portfolio', 'balance', 'history'])"
                + "           [1 + (u * 7 + k * 13) % 10] AS kind,"
                + "         1 + (u + k * 3) % 8 AS symbol_i, u"
                + "       FROM generate_series(0, ? - 1) u, generate_series(0, ? - 1) k WHERE (u + k) % 3 <> 0) e"
                + " JOIN demo_symbols s ON s.i = e.symbol_i"
                + " CROSS JOIN LATERAL (SELECT " + price("e.at") + " AS price, round(50 / s.base, 4) AS qty) p"
                + " WHERE e.at < ? AND e.at >= ?::timestamptz + e.u * interval '7 hours'")) {
            ps.setLong(1, FIRST_USER_ID);
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setInt(3, USERS);
            ps.setLong(4, slots);
            ps.setTimestamp(5, Timestamp.from(to));
            ps.setTimestamp(6, Timestamp.from(from));
            ps.executeUpdate();
        }
    }

    /** The simulated price of symbol {@code s} at a time: slow swings plus an intraday ripple, in cents. */
    private static String price(String at) {
        return "round((s.base * (1 + 0.06 * sin(extract(epoch FROM " + at + ") / 432000.0 + s.i)"
                + " + 0.015 * sin(extract(epoch FROM " + at + ") / 7200.0 + 2 * s.i)))::numeric, 2)";
    }

    private static void insertBotRows(Connection c, BigDecimal startingBalance) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE users u SET balance = greatest(0, ? - t.net) FROM"
                + " (SELECT user_id, sum(CASE kind WHEN 'buy' THEN round(qty * price, 4) ELSE -round(qty * price, 4) END) AS net"
                + "  FROM demo_events WHERE kind IN ('buy', 'sell') GROUP BY user_id) t WHERE u.user_id = t.user_id")) {
            ps.setBigDecimal(1, startingBalance);
            ps.executeUpdate();
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO message_log (update_id, chat_id, user_id, direction, text, logged_at)"
                    + " SELECT -seq, user_id, user_id, 'IN', command, at FROM demo_events"
                    + " UNION ALL SELECT -seq, user_id, NULL, 'OUT', reply, at + interval '1 second' FROM demo_events");
            s.executeUpdate("INSERT INTO processed_updates (update_id, chat_id, reply, processed_at)"
                    + " SELECT -seq, user_id, reply, at + interval '1 second' FROM demo_events");
            s.executeUpdate("INSERT INTO trades (user_id, update_id, symbol, side, quantity, price, amount, executed_at)"
                    + " SELECT user_id, -seq, symbol, upper(kind), qty, price, round(qty * price, 4), at"
                    + " FROM demo_events WHERE kind IN ('buy', 'sell')");
            s.executeUpdate("INSERT INTO positions (user_id, symbol, quantity, avg_price, updated_at)"
                    + " SELECT user_id, symbol, sum(CASE kind WHEN 'buy' THEN qty ELSE -qty END),"
                    + "  round(avg(price) FILTER (WHERE kind = 'buy'), 4), max(at)"
                    + " FROM demo_events WHERE kind IN ('buy', 'sell') GROUP BY user_id, symbol"
                    + " HAVING sum(CASE kind WHEN 'buy' THEN qty ELSE -qty END) > 0 AND count(*) FILTER (WHERE kind = 'buy') > 0");
        }
    }

    /** A tick of every symbol every two minutes. */
    private static void insertTicks(Connection c, Instant from, Instant to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO price_ticks (symbol, price, ts)"
                + " SELECT s.symbol, " + price("t") + ", t FROM demo_symbols s,"
                + " generate_series(?::timestamptz, ?::timestamptz - interval '1 second', interval '2 minutes') t")) {
            ps.setTimestamp(1, Timestamp.from(from));
            ps.setTimestamp(2, Timestamp.from(to));
            ps.executeUpdate();
        }
    }

    /**
     * A monitor sample every minute: the database growing steadily to its size now (with a daily dip when the
     * night's maintenance drops partitions), connections busier in the day than at night, and a quarter of an
     * hour each afternoon with a session idle in a transaction.
     */
    private static void insertSamples(Connection c, Instant from, Instant to, long quotaBytes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO metric_samples (sampled_at, database_bytes, quota_bytes,"
                + " connections_total, connections_active, connections_idle, connections_idle_tx, connections_ours, connections_limit)"
                + " SELECT t, round(z.size * (0.55 + 0.43 * x.f + 0.02 * ((x.h + 21) - floor((x.h + 21) / 24) * 24) / 24))::bigint, ?,"
                + "  y.active + y.idle + y.idle_tx + 1, y.active, y.idle, y.idle_tx, least(3, y.active + y.idle), z.usable"
                + " FROM generate_series(?::timestamptz, ?::timestamptz - interval '1 minute', interval '1 minute') t"
                + " CROSS JOIN (SELECT pg_database_size(current_database())::float8 AS size,"
                + "   current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int AS usable) z"
                + " CROSS JOIN LATERAL (SELECT extract(epoch FROM t - ?::timestamptz) / extract(epoch FROM ?::timestamptz - ?::timestamptz) AS f,"
                + "   extract(hour FROM t AT TIME ZONE 'UTC') + extract(minute FROM t AT TIME ZONE 'UTC') / 60.0 AS h) x"
                + " CROSS JOIN LATERAL (SELECT (1 + round(1.5 + 1.5 * sin((x.h - 9) * pi() / 12)))::int AS active,"
                + "   (2 + round(1 + cos((x.h - 9) * pi() / 12)))::int AS idle,"
                + "   CASE WHEN x.h >= 14 AND x.h < 14.25 THEN 1 ELSE 0 END AS idle_tx) y")) {
            ps.setLong(1, quotaBytes);
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setTimestamp(3, Timestamp.from(to));
            ps.setTimestamp(4, Timestamp.from(from));
            ps.setTimestamp(5, Timestamp.from(to));
            ps.setTimestamp(6, Timestamp.from(from));
            ps.executeUpdate();
        }
    }

    private static long delete(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        }
    }
}
