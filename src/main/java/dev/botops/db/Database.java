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
 * <p>Every checkout labels the connection ({@code application_name = botops:<work>}) and sets that work's
 * {@code statement_timeout} and {@code lock_timeout} in one round trip. Work that fails on a transient
 * error (connection loss, 57P01-03, 53300, 40001, 40P01, 55P03) is retried with exponential backoff and
 * jitter, bounded in attempts and time; nothing else is retried.
 *
 * <p>Idempotency: {@link #inTransaction} retries a transaction only when it failed before COMMIT was
 * sent (it was rolled back as a whole). If the connection is lost during COMMIT the outcome is unknown,
 * and the caller gets {@link DatabaseException.Kind#COMMIT_UNKNOWN} unless it used
 * {@link #inIdempotentTransaction}, which promises that running the work twice is harmless (the bot's
 * writes are, because they are keyed by the Telegram update id). Reads via {@link #withConnection} are
 * retried freely; callers must not use it for non-idempotent writes in autocommit mode.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    private final ConnectionTarget target;
    private final FailsafeExecutor<Object> retry;
    private final Duration defaultStatementTimeout;
    private final Duration defaultLockTimeout;
    private final int poolSize;

    public Database(Settings settings, ConnectionTarget target) {
        this.target = target;
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
        // A leaked transaction must not pin a connection (and a quota slot) for ever.
        config.setConnectionInitSql("SET idle_in_transaction_session_timeout = '60s'");
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

    /** Runs read or idempotent work in autocommit mode; retried on transient failures. */
    public <T> T withConnection(Work work, SqlFunction<T> body) {
        return run(work, () -> {
            try (Connection c = checkout(work)) {
                return body.apply(c);
            }
        });
    }

    /**
     * Runs the body in one transaction: commit on success, roll back on any failure, connection always
     * returned. Retried on transient failures that happened before COMMIT (the whole transaction was rolled
     * back); a connection lost during COMMIT is reported as {@link DatabaseException.Kind#COMMIT_UNKNOWN}.
     */
    public <T> T inTransaction(Work work, SqlFunction<T> body) {
        return run(work, () -> transaction(work, body, false));
    }

    /** Like {@link #inTransaction}, for work that is safe to apply twice: also retried when COMMIT's outcome is unknown. */
    public <T> T inIdempotentTransaction(Work work, SqlFunction<T> body) {
        return run(work, () -> transaction(work, body, true));
    }

    /** Runs the body once, no retry: for work whose caller handles failure itself (e.g. VACUUM, lease probes). */
    public <T> T once(Work work, SqlFunction<T> body) {
        try (Connection c = checkout(work)) {
            return body.apply(c);
        } catch (SQLException | RuntimeException e) {
            throw SqlErrors.translate(e, "Database " + work.label() + " work");
        }
    }

    private <T> T transaction(Work work, SqlFunction<T> body, boolean idempotent) throws SQLException {
        try (Connection c = checkout(work)) {
            c.setAutoCommit(false);
            T result;
            try {
                result = body.apply(c);
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
                if (!idempotent && SqlErrors.isTransient(e)) {
                    throw new DatabaseException(DatabaseException.Kind.COMMIT_UNKNOWN,
                            "The connection was lost during COMMIT; the " + work.label()
                                    + " work may or may not have been applied.", SqlErrors.sqlState(e), e);
                }
                rollbackQuietly(c, e);
                throw e;
            }
            c.setAutoCommit(true);
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

    /** A labelled connection with this work's timeouts; the caller closes it. */
    private Connection checkout(Work work) throws SQLException {
        Connection c = pool.getConnection();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT set_config('application_name', ?, false), set_config('statement_timeout', ?, false), "
                        + "set_config('lock_timeout', ?, false)")) {
            ps.setString(1, work.applicationName());
            ps.setString(2, millis(work.statementTimeout(), defaultStatementTimeout));
            ps.setString(3, millis(work.lockTimeout(), defaultLockTimeout));
            ps.execute();
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
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

    /** For Flyway and tools that need a plain {@link DataSource}; prefer the helpers above. */
    public DataSource dataSource() {
        return pool;
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
