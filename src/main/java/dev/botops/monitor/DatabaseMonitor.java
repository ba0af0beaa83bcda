package dev.botops.monitor;

import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import dev.botops.db.Database;
import dev.botops.db.SqlErrors;
import dev.botops.db.Work;
import dev.botops.monitor.DatabaseSnapshot.ConnectionLimit;
import dev.botops.monitor.DatabaseSnapshot.Connections;
import dev.botops.monitor.DatabaseSnapshot.Server;
import dev.botops.monitor.DatabaseSnapshot.Session;
import dev.botops.monitor.DatabaseSnapshot.Sessions;
import dev.botops.monitor.DatabaseSnapshot.Storage;
import dev.botops.monitor.DatabaseSnapshot.TableStats;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes {@link DatabaseSnapshot}s: three catalog queries on one connection of the app's pool, whatever the
 * number of tables, on PostgreSQL 13 to 17.
 *
 * <p>Size functions ({@code pg_table_size} and friends) take an ACCESS SHARE lock on each table and its
 * indexes, so they queue behind VACUUM FULL, TRUNCATE or DDL, and behind a waiting request for such a lock.
 * The table query therefore skips the size functions for every table that has an ACCESS EXCLUSIVE lock
 * granted or requested (found in {@code pg_locks}) and estimates those from {@code pg_class} page counts.
 * A lock taken between that check and the size call makes the statement fail after the monitor's short
 * {@code lock_timeout} (55P03); the query is then retried once, and if it fails again every table is
 * estimated. A locked table never fails a snapshot.
 *
 * <p>Snapshots never overlap: concurrent callers take turns, so the monitor holds at most one connection.
 */
public final class DatabaseMonitor {
    private static final Logger log = LoggerFactory.getLogger(DatabaseMonitor.class);
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final int QUERY_TEXT_LIMIT = 160;
    private static final Pattern STRING_LITERAL = Pattern.compile("'(?:[^']|'')*'");

    private static final String SERVER_SQL =
            "SELECT current_setting('server_version'), current_setting('server_version_num')::int,"
                    + " current_database(), pg_postmaster_start_time(), now(),"
                    + " pg_database_size(current_database()), age(d.datfrozenxid),"
                    + " current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int,"
                    // reserved_connections exists from PostgreSQL 16; missing_ok gives NULL before.
                    + " coalesce(current_setting('reserved_connections', true), '0')::int,"
                    + " (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user), d.datconnlimit"
                    + " FROM pg_database d WHERE d.datname = current_database()";

    // Every client backend on the server (the connection limit is server-wide); sessions of other
    // databases only count towards the totals.
    private static final String ACTIVITY_SQL =
            "SELECT pid, usename, application_name, state, datname = current_database() AS here,"
                    + " application_name LIKE '" + Work.APPLICATION_PREFIX + "%' AS ours,"
                    + " pid = pg_backend_pid() AS me,"
                    + " extract(epoch FROM now() - query_start), extract(epoch FROM now() - xact_start),"
                    + " extract(epoch FROM now() - state_change), left(query, 2000)"
                    + " FROM pg_stat_activity WHERE backend_type = 'client backend'";

    /**
     * One row per user table. Parameter 1 true skips every size function (the last-resort estimate);
     * parameter 2 true skips them for the tables that are locked.
     * The {@code locked} CTE maps a lock on an index or TOAST relation to the table that owns it.
     */
    private static final String TABLES_SQL = String.join("\n",
            "WITH bs AS (SELECT current_setting('block_size')::bigint AS block),",
            "locked AS (",
            "  SELECT DISTINCT coalesce(owner_of_toast.oid, toast_of_index.oid, idx.indrelid, l.relation) AS table_oid",
            "  FROM pg_locks l",
            "  LEFT JOIN pg_index idx ON idx.indexrelid = l.relation",
            "  LEFT JOIN pg_class toast_of_index ON toast_of_index.reltoastrelid = idx.indrelid",
            "  LEFT JOIN pg_class owner_of_toast ON owner_of_toast.reltoastrelid = l.relation",
            "  WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'",
            "    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            "),",
            "base AS (",
            "  SELECT c.oid, n.nspname, c.relname, c.reltoastrelid, c.relpages, c.reltuples, c.relispartition,",
            "         (? OR (? AND EXISTS (SELECT 1 FROM locked WHERE locked.table_oid = c.oid))) AS estimate",
            "  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace",
            "  WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't'",
            "    AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'",
            ")",
            "SELECT b.nspname, b.relname, quote_ident(b.nspname) || '.' || quote_ident(b.relname),",
            "  (SELECT pn.nspname || '.' || pc.relname FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent",
            "     JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE b.relispartition AND i.inhrelid = b.oid LIMIT 1),",
            "  b.estimate,",
            "  CASE WHEN NOT b.estimate THEN pg_table_size(b.oid) END,",
            "  CASE WHEN NOT b.estimate THEN pg_indexes_size(b.oid) END,",
            "  CASE WHEN b.reltoastrelid = 0 THEN 0 WHEN NOT b.estimate THEN pg_total_relation_size(b.reltoastrelid) END,",
            "  b.relpages::bigint * bs.block,",
            "  coalesce((SELECT sum(ic.relpages) FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid",
            "            WHERE x.indrelid = b.oid), 0)::bigint * bs.block,",
            "  coalesce((SELECT t.relpages FROM pg_class t WHERE t.oid = b.reltoastrelid), 0)::bigint * bs.block,",
            // reltuples is -1 (16+: and 14+) or 0 (13) before the first VACUUM/ANALYZE: fall back to the live count.
            "  CASE WHEN b.reltuples > 0 THEN b.reltuples::bigint ELSE coalesce(s.n_live_tup, 0) END,",
            "  coalesce(s.n_live_tup, 0), coalesce(s.n_dead_tup, 0),",
            "  s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze",
            "FROM base b CROSS JOIN bs LEFT JOIN pg_stat_user_tables s ON s.relid = b.oid");

    private final Database database;
    private final long quotaBytes;
    private final int planCap;
    private final Clock clock;
    private final boolean lockPrecheck;
    private final Object turn = new Object();

    public DatabaseMonitor(Database database, Settings settings, Clock clock) {
        this(database, settings, clock, true);
    }

    /**
     * @param lockPrecheck false skips the {@code pg_locks} check, so that tests can drive the
     *                     retry-then-estimate path a lock taken mid-query would take
     */
    DatabaseMonitor(Database database, Settings settings, Clock clock, boolean lockPrecheck) {
        this.database = database;
        this.quotaBytes = settings.bytes(ConfigKey.STORAGE_QUOTA);
        this.planCap = settings.integer(ConfigKey.CONNECTION_CAP);
        this.clock = clock;
        this.lockPrecheck = lockPrecheck;
    }

    /**
     * Takes a snapshot; concurrent calls wait their turn.
     *
     * @throws dev.botops.db.DatabaseException when the database cannot be reached or a query fails
     */
    public DatabaseSnapshot snapshot() {
        synchronized (turn) {
            Instant started = clock.instant();
            long startNanos = System.nanoTime();
            return database.once(Work.MONITOR, c -> {
                Partial server = readServer(c);
                Activity activity = readActivity(c);
                List<TableStats> tables = readTables(c);
                Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
                return new DatabaseSnapshot(started, elapsed, DatabaseSnapshot.State.OK, null, server.server,
                        Storage.of(server.databaseBytes, quotaBytes),
                        Connections.of(activity.total, activity.active, activity.idle, activity.idleInTransaction,
                                activity.other, activity.ours, server.limit),
                        activity.sessions(), tables);
            });
        }
    }

    private Partial readServer(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SERVER_SQL)) {
            rs.next();
            Instant startedAt = rs.getTimestamp(4).toInstant();
            Instant now = rs.getTimestamp(5).toInstant();
            Server server = new Server(rs.getString(1), rs.getInt(2), rs.getString(3), startedAt,
                    Duration.between(startedAt, now), rs.getLong(7));
            ConnectionLimit limit = ConnectionLimit.of(rs.getInt(8), rs.getInt(9), rs.getInt(10), rs.getInt(11),
                    rs.getInt(12), planCap);
            return new Partial(server, rs.getLong(6), limit);
        }
    }

    private Activity readActivity(Connection c) throws SQLException {
        Activity activity = new Activity();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(ACTIVITY_SQL)) {
            while (rs.next()) {
                activity.add(rs);
            }
        }
        return activity;
    }

    /** Runs the table query; after a lock timeout it is retried once, then every table is estimated. */
    private List<TableStats> readTables(Connection c) throws SQLException {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                return queryTables(c, false);
            } catch (SQLException e) {
                if (!LOCK_NOT_AVAILABLE.equals(SqlErrors.sqlState(e))) {
                    throw e;
                }
                log.debug("A table was locked while its size was read (attempt {})", attempt);
            }
        }
        log.info("Tables stayed locked while the monitor read their sizes; this snapshot estimates every table from pg_class");
        return queryTables(c, true);
    }

    private List<TableStats> queryTables(Connection c, boolean estimateAll) throws SQLException {
        List<TableStats> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(TABLES_SQL)) {
            ps.setBoolean(1, estimateAll);
            ps.setBoolean(2, lockPrecheck);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(table(rs));
                }
            }
        }
        tables.sort(Comparator.comparingLong(TableStats::totalBytes).reversed().thenComparing(TableStats::displayName));
        return tables;
    }

    private static TableStats table(ResultSet rs) throws SQLException {
        long tableBytes = rs.getLong(6);
        // A table dropped while the query ran makes the size functions return NULL: estimate it too.
        boolean estimated = rs.getBoolean(5) || rs.wasNull();
        long indexBytes = rs.getLong(7);
        estimated |= rs.wasNull();
        long toastBytes = rs.getLong(8);
        estimated |= rs.wasNull();
        long heapBytes;
        if (estimated) {
            heapBytes = rs.getLong(9);
            indexBytes = rs.getLong(10);
            toastBytes = rs.getLong(11);
        } else {
            heapBytes = tableBytes - toastBytes;
        }
        long live = rs.getLong(13);
        long dead = rs.getLong(14);
        double deadPercent = live + dead == 0 ? 0 : 100.0 * dead / (live + dead);
        return new TableStats(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                heapBytes + indexBytes + toastBytes, heapBytes, indexBytes, toastBytes, rs.getLong(12), live, dead,
                deadPercent, instant(rs.getTimestamp(15)), instant(rs.getTimestamp(16)), instant(rs.getTimestamp(17)),
                instant(rs.getTimestamp(18)), estimated);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static Duration seconds(ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : Duration.ofNanos(Math.round(value * 1_000_000_000L));
    }

    /** The query's text without its string literals (they may hold passwords), shortened. */
    static String summarizeQuery(String query) {
        if (query == null) {
            return null;
        }
        String withoutLiterals = STRING_LITERAL.matcher(query).replaceAll("?").replaceAll("\\s+", " ").trim();
        return withoutLiterals.length() <= QUERY_TEXT_LIMIT ? withoutLiterals
                : withoutLiterals.substring(0, QUERY_TEXT_LIMIT - 1) + "…";
    }

    private static final class Partial {
        final Server server;
        final long databaseBytes;
        final ConnectionLimit limit;

        Partial(Server server, long databaseBytes, ConnectionLimit limit) {
            this.server = server;
            this.databaseBytes = databaseBytes;
            this.limit = limit;
        }
    }

    /** Counts from {@code pg_stat_activity} and the sessions of this database worth showing. */
    private static final class Activity {
        int total;
        int active;
        int idle;
        int idleInTransaction;
        int other;
        int ours;
        Session longestQuery;
        Session oldestTransaction;
        final List<Session> idleInTransactionSessions = new ArrayList<>();

        void add(ResultSet rs) throws SQLException {
            String state = rs.getString(4);
            boolean here = rs.getBoolean(5);
            total++;
            if (here && rs.getBoolean(6)) {
                ours++;
            }
            if ("active".equals(state)) {
                active++;
            } else if ("idle".equals(state)) {
                idle++;
            } else if (state != null && state.startsWith("idle in transaction")) {
                idleInTransaction++;
            } else {
                other++;
            }
            if (!here || rs.getBoolean(7)) {
                return;
            }
            Session session = new Session(rs.getInt(1), rs.getString(2), rs.getString(3), state, seconds(rs, 8),
                    seconds(rs, 9), seconds(rs, 10), summarizeQuery(rs.getString(11)));
            if ("active".equals(state) && session.queryAge() != null
                    && (longestQuery == null || session.queryAge().compareTo(longestQuery.queryAge()) > 0)) {
                longestQuery = session;
            }
            if (session.transactionAge() != null && (oldestTransaction == null
                    || session.transactionAge().compareTo(oldestTransaction.transactionAge()) > 0)) {
                oldestTransaction = session;
            }
            if (state != null && state.startsWith("idle in transaction") && session.stateAge() != null) {
                idleInTransactionSessions.add(session);
            }
        }

        Sessions sessions() {
            idleInTransactionSessions.sort(Comparator.comparing(Session::stateAge).reversed());
            return new Sessions(longestQuery, oldestTransaction, idleInTransactionSessions);
        }
    }
}
