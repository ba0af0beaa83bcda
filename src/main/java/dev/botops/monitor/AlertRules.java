package dev.botops.monitor;

import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import dev.botops.config.Sizes;
import dev.botops.monitor.DatabaseSnapshot.Connections;
import dev.botops.monitor.DatabaseSnapshot.Session;
import dev.botops.monitor.DatabaseSnapshot.Storage;
import dev.botops.monitor.DatabaseSnapshot.TableStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The monitor's alert rules: a pure function from a snapshot, the forecast and the alerts already active to
 * the alerts that should be active now. Every threshold comes from configuration.
 *
 * <p>Hysteresis: an active alert stays active (at its level) until the value falls past a band below the
 * threshold, {@code alerts.hysteresis} points for percentages and that percentage of the threshold for
 * everything else (days, durations, transaction IDs), so a value hovering at a threshold does not flap.
 */
public final class AlertRules {
    public static final String STORAGE = "storage";
    public static final String CONNECTIONS = "connections";
    public static final String FORECAST = "forecast";
    public static final String IDLE_IN_TRANSACTION = "idle-in-transaction";
    public static final String LONG_QUERY = "long-query";
    public static final String DEAD_ROWS_PREFIX = "dead-rows:";
    public static final String XID_AGE = "xid-age";
    public static final String UNREACHABLE = "database-unreachable";
    public static final String MONITOR_FAILED = "monitor-failed";

    private static final List<String> OWNED = List.of(STORAGE, CONNECTIONS, FORECAST, IDLE_IN_TRANSACTION, LONG_QUERY,
            XID_AGE, UNREACHABLE, MONITOR_FAILED);

    private final double storageWarning;
    private final double storageCritical;
    private final double connectionsWarning;
    private final double connectionsCritical;
    private final double hysteresis;
    private final int forecastWarningDays;
    private final int forecastCriticalDays;
    private final Duration idleInTransaction;
    private final Duration longQuery;
    private final double deadRowsPercent;
    private final long deadRowsMinBytes;
    private final long xidAge;

    public AlertRules(Settings settings) {
        this.storageWarning = settings.percent(ConfigKey.ALERT_STORAGE_WARNING);
        this.storageCritical = settings.percent(ConfigKey.ALERT_STORAGE_CRITICAL);
        this.connectionsWarning = settings.percent(ConfigKey.ALERT_CONNECTIONS_WARNING);
        this.connectionsCritical = settings.percent(ConfigKey.ALERT_CONNECTIONS_CRITICAL);
        this.hysteresis = settings.percent(ConfigKey.ALERT_HYSTERESIS);
        this.forecastWarningDays = settings.integer(ConfigKey.ALERT_FORECAST_WARNING_DAYS);
        this.forecastCriticalDays = settings.integer(ConfigKey.ALERT_FORECAST_CRITICAL_DAYS);
        this.idleInTransaction = settings.duration(ConfigKey.ALERT_IDLE_IN_TRANSACTION);
        this.longQuery = settings.duration(ConfigKey.ALERT_LONG_QUERY);
        this.deadRowsPercent = settings.percent(ConfigKey.ALERT_DEAD_ROWS_PERCENT);
        this.deadRowsMinBytes = settings.bytes(ConfigKey.ALERT_DEAD_ROWS_MIN_SIZE);
        this.xidAge = settings.longValue(ConfigKey.ALERT_XID_AGE);
    }

    /** An alert that should be active. */
    public record Finding(String ruleId, Severity severity, String message, String hint) {
    }

    /** True for the rule ids these rules raise and resolve (others belong to maintenance, the bot, ...). */
    public static boolean owns(String ruleId) {
        return OWNED.contains(ruleId) || ruleId.startsWith(DEAD_ROWS_PREFIX);
    }

    /**
     * The alerts that should be active for a reachable snapshot.
     *
     * @param previous severity of each currently active alert, by rule id (drives the hysteresis)
     */
    public List<Finding> evaluate(DatabaseSnapshot snapshot, Forecast forecast, Map<String, Severity> previous) {
        if (!snapshot.reachable()) {
            throw new IllegalArgumentException("rules need a reachable snapshot");
        }
        List<Finding> findings = new ArrayList<>();
        storage(snapshot.storage(), previous.get(STORAGE), findings);
        connections(snapshot.connections(), previous.get(CONNECTIONS), findings);
        forecast(forecast, previous.get(FORECAST), findings);
        idleInTransaction(snapshot.sessions().idleInTransaction(), previous.get(IDLE_IN_TRANSACTION), findings);
        longQuery(snapshot.sessions().longestQuery(), previous.get(LONG_QUERY), findings);
        for (TableStats table : snapshot.tables()) {
            deadRows(table, previous.get(DEAD_ROWS_PREFIX + table.displayName()), findings);
        }
        xidAge(snapshot.server(), previous.get(XID_AGE), findings);
        return findings;
    }

    private void storage(Storage storage, Severity previous, List<Finding> findings) {
        Severity level = level(storage.percentUsed(), Band.points(storageWarning, hysteresis),
                Band.points(storageCritical, hysteresis), previous);
        if (level != null) {
            findings.add(new Finding(STORAGE, level,
                    String.format(Locale.ROOT, "The database uses %s of the %s storage quota (%.1f %%).",
                            Sizes.format(storage.databaseBytes()), Sizes.format(storage.quotaBytes()), storage.percentUsed()),
                    "Run maintenance (botops maintenance) so expired partitions are dropped and old rows cleaned; "
                            + "deleting rows alone does not shrink the database. Find the biggest tables with: "
                            + "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class "
                            + "WHERE relkind IN ('r', 'm') ORDER BY pg_total_relation_size(oid) DESC LIMIT 10;"));
        }
    }

    private void connections(Connections connections, Severity previous, List<Finding> findings) {
        Severity level = level(connections.percentUsed(), Band.points(connectionsWarning, hysteresis),
                Band.points(connectionsCritical, hysteresis), previous);
        if (level != null) {
            findings.add(new Finding(CONNECTIONS, level,
                    String.format(Locale.ROOT, "%d of %d usable connections are in use (%.1f %%): %d of this app, %d others.",
                            connections.total(), connections.limit().usable(), connections.percentUsed(),
                            connections.ours(), connections.others()),
                    "New connections will soon be refused. Find who holds them: SELECT application_name, usename, state, "
                            + "count(*) FROM pg_stat_activity GROUP BY 1, 2, 3 ORDER BY 4 DESC;"));
        }
    }

    private void forecast(Forecast forecast, Severity previous, List<Finding> findings) {
        if (forecast == null || forecast.outcome() != Forecast.Outcome.GROWING) {
            return;
        }
        double days = forecast.daysUntilFull();
        Severity level = level(days, Band.lowerIsWorse(forecastWarningDays, hysteresis),
                Band.lowerIsWorse(forecastCriticalDays, hysteresis), previous);
        if (level != null) {
            findings.add(new Finding(FORECAST, level,
                    String.format(Locale.ROOT, "At the current growth (%s a day) the storage quota is full in %.1f days.",
                            Sizes.format(Math.round(forecast.bytesPerDay())), days),
                    "Check the fastest growing tables (botops status) and their retention policies, "
                            + "or raise the plan's quota before it is full."));
        }
    }

    private void idleInTransaction(List<Session> sessions, Severity previous, List<Finding> findings) {
        if (sessions.isEmpty()) {
            return;
        }
        Session longest = sessions.get(0);
        Severity level = level(seconds(longest.stateAge()), Band.relative(seconds(idleInTransaction), hysteresis),
                Band.NEVER, previous);
        if (level != null) {
            long count = sessions.stream().filter(s -> s.stateAge().compareTo(idleInTransaction) > 0).count();
            findings.add(new Finding(IDLE_IN_TRANSACTION, level,
                    String.format(Locale.ROOT, "Session %d (%s, user %s) has been idle in a transaction for %s%s; "
                                    + "it holds its locks and keeps VACUUM from removing dead rows.",
                            longest.pid(), application(longest), longest.user(), Ages.format(longest.stateAge()),
                            count > 1 ? " (" + count + " sessions in all)" : ""),
                    "End it if it is stuck: SELECT pg_terminate_backend(" + longest.pid() + ");"));
        }
    }

    private void longQuery(Session longest, Severity previous, List<Finding> findings) {
        if (longest == null) {
            return;
        }
        Severity level = level(seconds(longest.queryAge()), Band.relative(seconds(longQuery), hysteresis), Band.NEVER, previous);
        if (level != null) {
            findings.add(new Finding(LONG_QUERY, level,
                    String.format(Locale.ROOT, "A query has been running for %s (session %d, %s, user %s).",
                            Ages.format(longest.queryAge()), longest.pid(), application(longest), longest.user()),
                    "Cancel it if it should not run this long: SELECT pg_cancel_backend(" + longest.pid() + ");"));
        }
    }

    private void deadRows(TableStats table, Severity previous, List<Finding> findings) {
        if (table.totalBytes() < deadRowsMinBytes) {
            return;
        }
        Severity level = level(table.deadPercent(), Band.points(deadRowsPercent, hysteresis), Band.NEVER, previous);
        if (level != null) {
            findings.add(new Finding(DEAD_ROWS_PREFIX + table.displayName(), level,
                    String.format(Locale.ROOT, "%s has %.1f %% dead rows (%d of %d) in %s: it needs VACUUM.",
                            table.displayName(), table.deadPercent(), table.deadRows(), table.deadRows() + table.liveRows(),
                            Sizes.format(table.totalBytes())),
                    "VACUUM (ANALYZE) " + table.qualifiedName() + ";"));
        }
    }

    private void xidAge(DatabaseSnapshot.Server server, Severity previous, List<Finding> findings) {
        Severity level = level(server.xidAge(), Band.NEVER, Band.relative(xidAge, hysteresis), previous);
        if (level != null) {
            findings.add(new Finding(XID_AGE, level,
                    String.format(Locale.ROOT, "Transaction-ID age of database %s is %,d; the server stops accepting "
                            + "writes about %,d transactions from now (wraparound protection).",
                            server.database(), server.xidAge(), server.xidsUntilWraparound()),
                    "Freeze old rows now, in a quiet hour: VACUUM (FREEZE, ANALYZE);"));
        }
    }

    private static String application(Session session) {
        return session.application() == null || session.application().isEmpty() ? "no application name"
                : "application " + session.application();
    }

    private static double seconds(Duration duration) {
        return duration == null ? 0 : duration.toMillis() / 1000.0;
    }

    /**
     * The level a value calls for. An alert is raised when the value reaches a band's threshold and stays at
     * that level while the value has not fallen past the band's clearing point.
     */
    static Severity level(double value, Band warning, Band critical, Severity previous) {
        if (critical.reached(value) || previous == Severity.CRITICAL && critical.holds(value)) {
            return Severity.CRITICAL;
        }
        if (warning.reached(value) || previous != null && warning.holds(value)) {
            return Severity.WARNING;
        }
        return null;
    }

    /** A threshold and the point past which an alert raised by it clears. */
    record Band(double raiseAt, double clearAt, boolean higherIsWorse) {
        static final Band NEVER = new Band(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, true);

        /** Percent thresholds: clear {@code hysteresis} points below. */
        static Band points(double threshold, double hysteresis) {
            return new Band(threshold, threshold - hysteresis, true);
        }

        /** Other quantities: clear {@code hysteresis} percent of the threshold below it. */
        static Band relative(double threshold, double hysteresis) {
            return new Band(threshold, threshold * (1 - hysteresis / 100), true);
        }

        /** "Under N days" thresholds: raise below N, clear {@code hysteresis} percent above it. */
        static Band lowerIsWorse(double threshold, double hysteresis) {
            return new Band(threshold, threshold * (1 + hysteresis / 100), false);
        }

        boolean reached(double value) {
            return higherIsWorse ? value >= raiseAt : value < raiseAt;
        }

        boolean holds(double value) {
            return higherIsWorse ? value > clearAt : value < clearAt;
        }
    }
}
