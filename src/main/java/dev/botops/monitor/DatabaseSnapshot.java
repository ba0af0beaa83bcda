package dev.botops.monitor;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the database looked like at one moment: the one thing the dashboard, {@code /health}, the alert
 * rules and {@code botops status} read. Immutable, so it crosses threads freely.
 *
 * <p>When {@link #state()} is not {@link State#OK} the snapshot only says when and why it failed:
 * {@code server}, {@code storage}, {@code connections} and {@code sessions} are {@code null} and
 * {@code tables} is empty. Check {@link #reachable()} first.
 *
 * @param elapsed how long taking the snapshot took
 * @param error   a plain, secret-free reason when the snapshot failed; {@code null} when it succeeded
 * @param tables  user tables (leaf partitions included, partitioned parents are not: they have no storage
 *                of their own), largest first
 */
public record DatabaseSnapshot(Instant takenAt, Duration elapsed, State state, String error, Server server,
                               Storage storage, Connections connections, Sessions sessions, List<TableStats> tables) {

    /** Whether the snapshot could be taken. */
    public enum State {
        OK,
        /** The database could not be reached (connection refused, server down, too many connections). */
        UNREACHABLE,
        /** The database answered but the snapshot failed (e.g. the app's pool was exhausted, a timeout). */
        FAILED
    }

    public DatabaseSnapshot {
        tables = List.copyOf(tables);
    }

    /** A snapshot that could not be taken, with the reason. */
    public static DatabaseSnapshot failed(Instant takenAt, Duration elapsed, State state, String error) {
        if (state == State.OK) {
            throw new IllegalArgumentException("a failed snapshot needs a failure state");
        }
        return new DatabaseSnapshot(takenAt, elapsed, state, error, null, null, null, null, List.of());
    }

    public boolean reachable() {
        return state == State.OK;
    }

    /**
     * The server.
     *
     * @param versionNumber {@code server_version_num}, e.g. 170006
     * @param xidAge        {@code age(datfrozenxid)} of this database: how far it is from transaction-ID wraparound
     */
    public record Server(String version, int versionNumber, String database, Instant startedAt, Duration uptime, long xidAge) {
        /** Transaction IDs left before the server stops to prevent wraparound (about 2^31 minus the age). */
        @JsonProperty
        public long xidsUntilWraparound() {
            return (1L << 31) - xidAge;
        }
    }

    /** Database size against the plan's storage quota. */
    public record Storage(long databaseBytes, long quotaBytes, double percentUsed) {
        public static Storage of(long databaseBytes, long quotaBytes) {
            return new Storage(databaseBytes, quotaBytes, quotaBytes <= 0 ? 0 : 100.0 * databaseBytes / quotaBytes);
        }
    }

    /**
     * Client connections on the server, by state, ours (this app, on this database) versus others, against
     * the usable limit.
     *
     * @param other sessions in any other state, or whose state this role may not see
     */
    public record Connections(int total, int active, int idle, int idleInTransaction, int other, int ours, int others,
                              ConnectionLimit limit, double percentUsed) {
        public static Connections of(int total, int active, int idle, int idleInTransaction, int other, int ours,
                                     ConnectionLimit limit) {
            double percent = limit.usable() <= 0 ? 100 : 100.0 * total / limit.usable();
            return new Connections(total, active, idle, idleInTransaction, other, ours, total - ours, limit, percent);
        }
    }

    /**
     * Where the connection limit comes from. The usable limit is the smallest of the server's
     * {@code max_connections} minus its reserved slots, the role's and the database's connection limits,
     * and the plan's cap.
     *
     * @param reserved      {@code reserved_connections} (PostgreSQL 16+; 0 before)
     * @param roleLimit     {@code rolconnlimit}; -1 means none
     * @param databaseLimit {@code datconnlimit}; -1 means none
     * @param planCap       {@code limits.connection-cap}; 0 means none
     */
    public record ConnectionLimit(int maxConnections, int superuserReserved, int reserved, int roleLimit,
                                  int databaseLimit, int planCap, int usable) {
        public static ConnectionLimit of(int maxConnections, int superuserReserved, int reserved, int roleLimit,
                                         int databaseLimit, int planCap) {
            int usable = Math.max(0, maxConnections - superuserReserved - reserved);
            if (roleLimit >= 0) {
                usable = Math.min(usable, roleLimit);
            }
            if (databaseLimit >= 0) {
                usable = Math.min(usable, databaseLimit);
            }
            if (planCap > 0) {
                usable = Math.min(usable, planCap);
            }
            return new ConnectionLimit(maxConnections, superuserReserved, reserved, roleLimit, databaseLimit, planCap, usable);
        }
    }

    /**
     * Sessions worth an operator's attention, on this database (other sessions excluded: their transactions
     * do not hold back VACUUM here).
     *
     * @param longestQuery      the longest running active query, or {@code null}
     * @param oldestTransaction the session with the oldest open transaction, or {@code null}
     * @param idleInTransaction sessions idle inside a transaction, longest idle first
     */
    public record Sessions(Session longestQuery, Session oldestTransaction, List<Session> idleInTransaction) {
        public Sessions {
            idleInTransaction = List.copyOf(idleInTransaction);
        }
    }

    /**
     * One backend.
     *
     * @param queryAge       since the current (or last) query started, or {@code null}
     * @param transactionAge since the open transaction started, or {@code null} when none is open
     * @param stateAge       since the session entered its current state
     * @param query          the query with its string literals replaced by {@code ?} and shortened, so no
     *                       secret written in a literal is shown
     */
    public record Session(int pid, String user, String application, String state, Duration queryAge,
                          Duration transactionAge, Duration stateAge, String query) {
    }

    /**
     * One table's size and health.
     *
     * @param qualifiedName  schema and name quoted where SQL needs it, ready to paste ({@code public."Order"})
     * @param partitionOf    the partitioned parent ({@code schema.name}) when this is a partition, else {@code null}
     * @param heapBytes      main fork plus free-space and visibility maps
     * @param toastBytes     TOAST table and its index
     * @param estimatedRows  the planner's estimate ({@code reltuples}), or the live-row count before the first ANALYZE
     * @param deadPercent    dead rows as a percentage of live plus dead rows
     * @param sizeEstimated  true when the sizes were due to be read but the table was locked (e.g. by VACUUM
     *                       FULL): they are the last ones measured, or {@code pg_class} page counts as of the
     *                       last VACUUM/ANALYZE when there are none
     * @param sizesMeasuredAt when the sizes were read with PostgreSQL's size functions ({@code null}: never, estimated);
     *                       unchanged tables keep their sizes for a while, see {@link TableReader}
     */
    public record TableStats(String schema, String name, String qualifiedName, String partitionOf, long totalBytes,
                             long heapBytes, long indexBytes, long toastBytes, long estimatedRows, long liveRows,
                             long deadRows, double deadPercent, Instant lastVacuum, Instant lastAutovacuum,
                             Instant lastAnalyze, Instant lastAutoanalyze, boolean sizeEstimated, Instant sizesMeasuredAt) {
        /** {@code schema.name} without quotes, as used in alert rule ids. */
        public String displayName() {
            return schema + "." + name;
        }
    }
}
