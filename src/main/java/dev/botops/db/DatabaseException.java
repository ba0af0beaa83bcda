package dev.botops.db;

/**
 * A database failure as the rest of the app sees it: a plain message for people (no secrets, no stack
 * trace), the SQLState when there is one, and what kind of trouble it is, because the operator's remedy
 * differs.
 */
public class DatabaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure this is. */
    public enum Kind {
        /** The database cannot be reached or refuses connections (08001, 53300, 57P03, ...). */
        UNAVAILABLE,
        /** Every connection of the app's own pool is in use; the database itself may be fine. */
        POOL_EXHAUSTED,
        /** The connection was lost during COMMIT: the work may or may not have been applied. */
        COMMIT_UNKNOWN,
        /** Anything else: constraint violations, syntax, permissions, cancelled statements. */
        FAILED
    }

    private final Kind kind;
    private final String sqlState;

    public DatabaseException(Kind kind, String message, String sqlState, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.sqlState = sqlState;
    }

    public Kind kind() {
        return kind;
    }

    /** The SQLState, or {@code null}. */
    public String sqlState() {
        return sqlState;
    }
}
