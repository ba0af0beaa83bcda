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
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
 * Takes {@link DatabaseSnapshot}s on one connection of the app's pool, on PostgreSQL 13 to 17: one query for
 * the server, size and limits, one over {@code pg_stat_activity}, and the {@link TableReader}'s two (one
 * catalog query, one size query for the tables whose sizes may have changed), whatever the number of tables.
 * Runs as {@link Work#MONITOR}: short {@code statement_timeout} and {@code lock_timeout}; a locked table
 * never fails a snapshot.
 *
 * <p>A snapshot runs once ({@link Database#once}): the monitor reports trouble rather than hiding it behind
 * backoff. One exception: a pooled connection whose backend was ended (pg_terminate_backend, a server-side
 * idle timeout) fails at its first query, and the pool evicts it; the snapshot is taken again at once on
 * another connection, at most once per pooled connection, so one ended backend never shows as an outage.
 * A failure to get a connection at all (the server is down or full) is not retried: an outage is reported
 * as soon as the pool gives up, as before.
 *
 * <p>Snapshots never overlap: concurrent callers take turns, so the monitor holds at most one connection.
 * Stateful (the table reader remembers sizes between snapshots), so share one instance.
 */
public final class DatabaseMonitor {
    private static final Logger log = LoggerFactory.getLogger(DatabaseMonitor.class);
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
                    + " extract(epoch FROM now() - state_change),"
                    + " CASE WHEN datname = current_database() THEN left(query, 2000) END"
                    + " FROM pg_stat_activity WHERE backend_type = 'client backend'";

    private final Database database;
    /** The plan's limits; replaced when the operator changes them in the settings (read once per snapshot). */
    private volatile PlanLimits plan;
    private final Clock clock;
    private final TableReader tables;
    private final Object turn = new Object();
    private final FailsafeExecutor<DatabaseSnapshot> retryOnLostConnection;

    public DatabaseMonitor(Database database, Settings settings, Clock clock) {
        this(database, settings, clock, true);
    }

    /** @param lockPrecheck false skips the {@code pg_locks} check (tests drive the lock-timeout path with it) */
    DatabaseMonitor(Database database, Settings settings, Clock clock, boolean lockPrecheck) {
        this.database = database;
        this.plan = PlanLimits.of(settings);
        this.clock = clock;
        this.tables = new TableReader(lockPrecheck);
        this.retryOnLostConnection = Failsafe.with(lostConnectionPolicy(database.poolSize()));
    }

    /**
     * No delay: the broken connection is already evicted. Each failed attempt uses up one broken pooled
     * connection, so the pool's size bounds the attempts when every backend was ended at once.
     */
    private static RetryPolicy<DatabaseSnapshot> lostConnectionPolicy(int poolSize) {
        return RetryPolicy.<DatabaseSnapshot>builder()
                .handleIf((Throwable e) -> SqlErrors.isConnectionLost(e))
                .withMaxRetries(poolSize)
                .onRetry(event -> log.info("The monitor's database connection was lost ({}); taking the snapshot again on another one",
                        SqlErrors.sqlState(event.getLastException())))
                .build();
    }

    /** The plan's storage quota and connection cap, as configured. */
    private record PlanLimits(long quotaBytes, int connectionCap) {
        static PlanLimits of(Settings settings) {
            return new PlanLimits(settings.bytes(ConfigKey.STORAGE_QUOTA), settings.integer(ConfigKey.CONNECTION_CAP));
        }
    }

    /** Takes the quota and connection cap of changed settings; the next snapshot measures against them. */
    public void reconfigure(Settings settings) {
        plan = PlanLimits.of(settings);
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
            PlanLimits limits = plan;
            return retryOnLostConnection.get(() -> database.once(Work.MONITOR, c -> {
                ServerRead server = readServer(c, limits.connectionCap());
                Activity activity = readActivity(c);
                List<TableStats> tableStats = tables.read(c, started);
                Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
                return new DatabaseSnapshot(started, elapsed, DatabaseSnapshot.State.OK, null, server.server(),
                        Storage.of(server.databaseBytes(), limits.quotaBytes()),
                        Connections.of(activity.total, activity.active, activity.idle, activity.idleInTransaction,
                                activity.other, activity.ours, server.limit()),
                        activity.sessions(), tableStats);
            }));
        }
    }

    private static ServerRead readServer(Connection c, int planCap) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SERVER_SQL)) {
            rs.next();
            Instant startedAt = rs.getTimestamp(4).toInstant();
            Instant now = rs.getTimestamp(5).toInstant();
            Server server = new Server(rs.getString(1), rs.getInt(2), rs.getString(3), startedAt,
                    Duration.between(startedAt, now), rs.getLong(7));
            ConnectionLimit limit = ConnectionLimit.of(rs.getInt(8), rs.getInt(9), rs.getInt(10), rs.getInt(11),
                    rs.getInt(12), planCap);
            return new ServerRead(server, rs.getLong(6), limit);
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

    /** What the server query reads besides the server itself. */
    private record ServerRead(Server server, long databaseBytes, ConnectionLimit limit) {
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
