package dev.botops.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's one connection pool and the only way the app runs SQL.
 *
 * <p>Pooler-safe (DESIGN.md invariant 10): every unit of work runs in a transaction that begins by setting, for
 * that transaction only ({@code set_config(..., true)}), its {@code application_name = botops:<work>},
 * {@code statement_timeout}, {@code lock_timeout}, {@code idle_in_transaction_session_timeout} and the
 * {@code search_path} (BotOps' own schema, {@link #schema()}, so unqualified names mean BotOps' tables), in one
 * round trip. Nothing is ever set for the session, and the driver never keeps a server-side prepared statement
 * ({@code prepareThreshold=0} unless the URL sets it), so a transaction-mode pooler (PgBouncer, the hosts'
 * pooled URLs) can hand the server connection to another client after each transaction without handing it any
 * of our state. Inside a unit, the connection's {@code commit()} and {@code rollback()} end the transaction so
 * far and begin the next one with the same settings: long reads use that so their locks do not pile up until
 * the end. The one exception is {@link #outsideTransaction}, for statements PostgreSQL refuses in a
 * transaction (VACUUM).
 *
 * <p>Work that fails on a transient error (connection loss, 57P01-03, 53300, 40001, 40P01, 55P03) is retried
 * with exponential backoff and jitter, bounded in attempts and time; nothing else is retried.
 *
 * <p>Idempotency: {@link #inTransaction} retries a transaction only when it failed before COMMIT was
 * sent (it was rolled back as a whole). If the connection is lost during COMMIT the outcome is unknown,
 * and the caller gets {@link DatabaseException.Kind#COMMIT_UNKNOWN} unless it used
 * {@link #inIdempotentTransaction}, which promises that running the work twice is harmless (the bot's
 * writes are, because they are keyed by the Telegram update id). Reads via {@link #withConnection} are
 * retried freely, also when COMMIT's outcome is unknown; callers must not use it for writes that are not
 * idempotent.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    /** Ends a transaction that was left idle (a leak, a stuck caller) so it cannot pin a connection and a quota slot. */
    static final Duration IDLE_IN_TRANSACTION_TIMEOUT = Duration.ofSeconds(60);
    private static final String BEGIN_SQL = "SELECT set_config('application_name', ?, true), set_config('statement_timeout', ?, true), "
            + "set_config('lock_timeout', ?, true), set_config('idle_in_transaction_session_timeout', ?, true), "
            + "set_config('search_path', coalesce(?, (SELECT reset_val FROM pg_settings WHERE name = 'search_path')), true)";
    private static final String BEGIN_READ_ONLY_SQL = BEGIN_SQL + ", set_config('transaction_read_only', 'on', true)";

    private final HikariDataSource pool;
    private final ConnectionTarget target;
    private final FailsafeExecutor<Object> retry;
    private final Duration defaultStatementTimeout;
    private final Duration defaultLockTimeout;
    private final int poolSize;
    private final String schema;

    public Database(Settings settings, ConnectionTarget target) {
        this.target = target;
        this.schema = settings.string(ConfigKey.DATABASE_SCHEMA);
        this.poolSize = settings.integer(ConfigKey.POOL_SIZE);
        this.defaultStatementTimeout = settings.duration(ConfigKey.STATEMENT_TIMEOUT);
        this.defaultLockTimeout = settings.duration(ConfigKey.LOCK_TIMEOUT);
        this.pool = new HikariDataSource(poolConfig(settings, target));
        this.retry = Failsafe.with(retryPolicy(settings));
    }

    private static HikariConfig poolConfig(Settings settings, ConnectionTarget target) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("botops-db");
        config.setJdbcUrl(target.jdbcUrl());
        config.setUsername(target.user());
        config.setPassword(target.password());
        config.setMaximumPoolSize(settings.integer(ConfigKey.POOL_SIZE));
        // Quota plans count idle connections: keep none when idle and recycle them often.
        config.setMinimumIdle(0);
        config.setIdleTimeout(settings.duration(ConfigKey.IDLE_TIMEOUT).toMillis());
        config.setMaxLifetime(settings.duration(ConfigKey.MAX_LIFETIME).toMillis());
        long connectMillis = settings.duration(ConfigKey.CONNECT_TIMEOUT).toMillis();
        config.setConnectionTimeout(Math.max(250, connectMillis));
        config.setValidationTimeout(Math.max(250, Math.min(connectMillis, 5000)));
        // Start even when the database is down: the app must come up and say so.
        config.setInitializationFailTimeout(-1);
        config.setAutoCommit(true);
        // The driver leaves these off: without them a half-open connection can hang a thread for ever.
        long socketSeconds = Math.max(1, settings.duration(ConfigKey.SOCKET_TIMEOUT).toSeconds());
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("socketTimeout", String.valueOf(socketSeconds));
        config.addDataSourceProperty("connectTimeout", String.valueOf(Math.max(1, (connectMillis + 999) / 1000)));
        config.addDataSourceProperty("loginTimeout", String.valueOf(Math.max(1, (connectMillis + 999) / 1000)));
        config.addDataSourceProperty("ApplicationName", Work.APPLICATION_PREFIX);
        // No named server-side prepared statements: behind a transaction-mode pooler the next transaction may run
        // on another server connection, where "S_1" is unknown or already means something else. The driver
        // gives a parameter of the URL precedence over these properties, so a URL that sets prepareThreshold wins.
        config.addDataSourceProperty("prepareThreshold", "0");
        return config;
    }

    private static RetryPolicy<Object> retryPolicy(Settings settings) {
        Duration initial = settings.duration(ConfigKey.RETRY_INITIAL_DELAY);
        Duration max = settings.duration(ConfigKey.RETRY_MAX_DELAY);
        if (max.equals(initial)) {
            max = initial.plusMillis(1);
        }
        return RetryPolicy.builder()
                .handleIf((Throwable e) -> SqlErrors.isTransient(e))
                .withBackoff(initial.toMillis(), max.toMillis(), ChronoUnit.MILLIS)
                .withJitter(0.25)
                .withMaxAttempts(settings.integer(ConfigKey.RETRY_MAX_ATTEMPTS))
                .withMaxDuration(settings.duration(ConfigKey.RETRY_MAX_DURATION))
                .onRetry(event -> log.warn("Retrying database work (attempt {}) after transient failure {}: {}",
                        event.getAttemptCount() + 1, SqlErrors.sqlState(event.getLastException()),
                        dev.botops.config.Secrets.redact(String.valueOf(event.getLastException().getMessage()))))
                .build();
    }

    /**
     * Runs reads, or writes that are safe to apply twice, in one transaction; retried on transient failures,
     * also when the outcome of COMMIT is unknown.
     */
    public <T> T withConnection(Work work, SqlFunction<T> body) {
        return run(work, () -> transaction(work, body, Commit.IDEMPOTENT, false));
    }

    /**
     * Like {@link #withConnection}, in a READ ONLY transaction: the server refuses any write, so work that
     * promises to write nothing (status, monitoring without the rights to write) cannot.
     */
    public <T> T readOnly(Work work, SqlFunction<T> body) {
        return run(work, () -> transaction(work, body, Commit.IDEMPOTENT, true));
    }

    /**
     * Runs the body in one transaction: commit on success, roll back on any failure, connection always
     * returned. Retried on transient failures that happened before COMMIT (the whole transaction was rolled
     * back); a connection lost during COMMIT is reported as {@link DatabaseException.Kind#COMMIT_UNKNOWN}.
     */
    public <T> T inTransaction(Work work, SqlFunction<T> body) {
        return run(work, () -> transaction(work, body, Commit.REPORT_UNKNOWN, false));
    }

    /** Like {@link #inTransaction}, for work that is safe to apply twice: also retried when COMMIT's outcome is unknown. */
    public <T> T inIdempotentTransaction(Work work, SqlFunction<T> body) {
        return run(work, () -> transaction(work, body, Commit.IDEMPOTENT, false));
    }

    /**
     * Runs the body once in one transaction, no retry: for work whose caller handles failure itself (snapshots,
     * lease probes). A connection lost during COMMIT is reported as {@link DatabaseException.Kind#COMMIT_UNKNOWN}.
     */
    public <T> T once(Work work, SqlFunction<T> body) {
        try {
            return transaction(work, body, Commit.REPORT_UNKNOWN, false);
        } catch (SQLException | RuntimeException e) {
            throw SqlErrors.translate(e, "Database " + work.label() + " work");
        }
    }

    /**
     * Runs the body once on a connection in autocommit mode, outside any transaction and with none of the
     * per-work settings (they would have to be set for the session): only for statements PostgreSQL refuses in a
     * transaction block, such as VACUUM. The search path, {@code statement_timeout} and {@code lock_timeout} are
     * the role's own, so name tables schema-qualified and use statements that do not wait for locks
     * ({@code VACUUM (SKIP_LOCKED)}). The body must not change session state. Never retried.
     */
    public <T> T outsideTransaction(Work work, SqlFunction<T> body) {
        try (Connection c = pool.getConnection()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            return body.apply(c);
        } catch (SQLException | RuntimeException e) {
            throw SqlErrors.translate(e, "Database " + work.label() + " work");
        }
    }

    /** What a failure during COMMIT means for the caller. */
    private enum Commit {
        /** Retry: running the work twice is harmless. */
        IDEMPOTENT,
        /** Report {@link DatabaseException.Kind#COMMIT_UNKNOWN}: the work may or may not have been applied. */
        REPORT_UNKNOWN
    }

    private <T> T transaction(Work work, SqlFunction<T> body, Commit onCommitFailure, boolean readOnly) throws SQLException {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            T result;
            try {
                begin(c, work, readOnly);
                result = body.apply(unitConnection(c, work, readOnly));
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            } catch (Error e) {
                rollbackQuietly(c, e);
                throw e;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                if (onCommitFailure == Commit.REPORT_UNKNOWN && SqlErrors.isTransient(e)) {
                    throw new DatabaseException(DatabaseException.Kind.COMMIT_UNKNOWN,
                            "The connection was lost during COMMIT; the " + work.label()
                                    + " work may or may not have been applied.", SqlErrors.sqlState(e), e);
                }
                rollbackQuietly(c, e);
                throw e;
            }
            return result;
        }
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            if (!c.isClosed()) {
                c.rollback();
            }
        } catch (SQLException rollbackFailure) {
            // The connection is probably gone; the server rolls the transaction back on its own.
            cause.addSuppressed(rollbackFailure);
        }
    }

    /** The first statement of each transaction of a unit: this work's settings, for this transaction only. */
    private void begin(Connection c, Work work, boolean readOnly) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(readOnly ? BEGIN_READ_ONLY_SQL : BEGIN_SQL)) {
            ps.setString(1, work.applicationName());
            ps.setString(2, millis(work.statementTimeout(), defaultStatementTimeout));
            ps.setString(3, millis(work.lockTimeout(), defaultLockTimeout));
            ps.setString(4, IDLE_IN_TRANSACTION_TIMEOUT.toMillis() + "ms");
            // The role's default (what SET LOCAL search_path TO DEFAULT gives), never a value another client left behind.
            ps.setString(5, work.rolesSearchPath() ? null : schema);
            ps.execute();
        }
    }

    /**
     * The connection as the body sees it: {@code commit()} and {@code rollback()} begin the next transaction with
     * the unit's settings, {@code close()} is left to the unit, and autocommit cannot be switched on (each
     * statement would run without the settings).
     */
    private Connection unitConnection(Connection c, Work work, boolean readOnly) {
        return (Connection) Proxy.newProxyInstance(Database.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "commit":
                            c.commit();
                            begin(c, work, readOnly);
                            return null;
                        case "rollback":
                            if (args == null) {
                                c.rollback();
                                begin(c, work, readOnly);
                                return null;
                            }
                            break;
                        case "close":
                            return null;
                        case "setAutoCommit":
                            if ((Boolean) args[0]) {
                                throw new SQLException("Database work runs in a transaction; use Database.outsideTransaction "
                                        + "for statements that cannot (VACUUM).");
                            }
                            return null;
                        case "equals":
                            return proxy == args[0];
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "toString":
                            return "unit of " + work.applicationName() + " on " + c;
                        default:
                            break;
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static String millis(Duration specific, Duration fallback) {
        Duration d = specific.isZero() ? fallback : specific;
        return d.toMillis() + "ms";
    }

    private <T> T run(Work work, CheckedSupplier<T> action) {
        try {
            return retry.get(action::get);
        } catch (FailsafeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw SqlErrors.translate(cause, "Database " + work.label() + " work");
        } catch (DatabaseException e) {
            throw e;
        } catch (RuntimeException e) {
            if (e.getCause() instanceof SQLException || e instanceof dev.failsafe.TimeoutExceededException) {
                throw SqlErrors.translate(e, "Database " + work.label() + " work");
            }
            throw e;
        }
    }

    /**
     * The pool as a plain {@link DataSource}, for tools. Its connections have none of the per-work settings (no
     * search path to {@link #schema()}, no timeouts); prefer the helpers above.
     */
    public DataSource dataSource() {
        return pool;
    }

    /** The schema BotOps keeps its own tables in ({@code database.schema}), a plain identifier that needs no quoting. */
    public String schema() {
        return schema;
    }

    public ConnectionTarget target() {
        return target;
    }

    public int poolSize() {
        return poolSize;
    }

    /** Live pool figures for the dashboard and metrics. */
    public PoolStats poolStats() {
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        if (bean == null) {
            return new PoolStats(0, 0, 0, poolSize);
        }
        return new PoolStats(bean.getActiveConnections(), bean.getIdleConnections(), bean.getThreadsAwaitingConnection(), poolSize);
    }

    /** Pool figures: connections in use, idle, threads waiting, and the cap. */
    public record PoolStats(int active, int idle, int waiting, int max) {
    }

    @Override
    public void close() {
        pool.close();
    }

    @FunctionalInterface
    private interface CheckedSupplier<T> {
        T get() throws Exception;
    }
}
