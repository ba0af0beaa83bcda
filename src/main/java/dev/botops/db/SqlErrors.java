package dev.botops.db;

import dev.botops.config.Secrets;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

/** Classifies database failures: what is transient (worth a retry) and what the operator should be told. */
public final class SqlErrors {
    /** Transient SQLStates besides class 08 (connection exceptions). */
    private static final Set<String> TRANSIENT = Set.of(
            "57P01", // admin_shutdown: backend terminated
            "57P02", // crash_shutdown
            "57P03", // cannot_connect_now: server starting up or shutting down
            "53300", // too_many_connections
            "40001", // serialization_failure
            "40P01", // deadlock_detected
            "55P03"  // lock_not_available
    );
    /** Class 08 states that are not transient: the server rejected us, or we broke the protocol. */
    private static final Set<String> PERMANENT_08 = Set.of("08004", "08P01");
    private static final Set<String> UNAVAILABLE = Set.of("57P01", "57P02", "57P03", "53300");

    private SqlErrors() {
    }

    /** The SQLState of the exception or of the first cause that has one. */
    public static String sqlState(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof DatabaseException && ((DatabaseException) t).sqlState() != null) {
                return ((DatabaseException) t).sqlState();
            }
            if (t instanceof SQLException && ((SQLException) t).getSQLState() != null) {
                return ((SQLException) t).getSQLState();
            }
        }
        return null;
    }

    /** Worth retrying: connection loss and the transient states; never constraints, syntax, auth or cancel. */
    public static boolean isTransient(Throwable error) {
        if (error instanceof DatabaseException) {
            DatabaseException.Kind kind = ((DatabaseException) error).kind();
            if (kind == DatabaseException.Kind.COMMIT_UNKNOWN || kind == DatabaseException.Kind.POOL_EXHAUSTED) {
                return false;
            }
        }
        if (isPoolExhausted(error)) {
            return false;
        }
        String state = sqlState(error);
        if (state == null) {
            return false;
        }
        if (state.startsWith("08")) {
            return !PERMANENT_08.contains(state);
        }
        return TRANSIENT.contains(state);
    }

    /** HikariCP timed out waiting for one of our own connections while the database answered fine. */
    public static boolean isPoolExhausted(Throwable error) {
        return error instanceof SQLTransientConnectionException
                && ((SQLTransientConnectionException) error).getSQLState() == null
                && error.getCause() == null;
    }

    /** The database cannot be reached or is refusing connections. */
    public static boolean isUnavailable(Throwable error) {
        String state = sqlState(error);
        return state != null && (state.startsWith("08") && !PERMANENT_08.contains(state) || UNAVAILABLE.contains(state));
    }

    /**
     * A connection that was open broke under the work (its backend was terminated, the server shut down, the
     * socket was reset): the pool has evicted it, and another connection may work at once. Not a failure to
     * get a connection at all, which the pool raises only after waiting {@code database.connect-timeout}.
     */
    public static boolean isConnectionLost(Throwable error) {
        return isUnavailable(error) && !whileConnecting(error);
    }

    /** HikariCP raises this type, and only it, when it could not hand out a connection in time. */
    private static boolean whileConnecting(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
        }
        return false;
    }

    /** Wraps any failure as a {@link DatabaseException} with a plain, secret-free message. */
    public static DatabaseException translate(Throwable error, String what) {
        if (error instanceof DatabaseException) {
            return (DatabaseException) error;
        }
        String state = sqlState(error);
        String detail = Secrets.redact(rootMessage(error));
        if (isPoolExhausted(error)) {
            return new DatabaseException(DatabaseException.Kind.POOL_EXHAUSTED,
                    what + " failed: all of the app's database connections are busy (pool exhausted). "
                            + "Raise database.pool-size or look for slow work holding connections.", null, error);
        }
        if (isUnavailable(error)) {
            return new DatabaseException(DatabaseException.Kind.UNAVAILABLE,
                    what + " failed: the database is unavailable (" + state + "): " + detail, state, error);
        }
        return new DatabaseException(DatabaseException.Kind.FAILED,
                what + " failed" + (state != null ? " (" + state + ")" : "") + ": " + detail, state, error);
    }

    private static String rootMessage(Throwable error) {
        Throwable t = error;
        String message = error.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        if (message == null) {
            return error.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline).trim() : message.trim();
    }
}
