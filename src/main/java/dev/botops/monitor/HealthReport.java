package dev.botops.monitor;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.botops.monitor.DatabaseSnapshot.Connections;
import dev.botops.monitor.DatabaseSnapshot.Server;
import dev.botops.monitor.DatabaseSnapshot.Sessions;
import dev.botops.monitor.DatabaseSnapshot.Storage;
import dev.botops.monitor.DatabaseSnapshot.TableStats;
import java.time.Instant;
import java.util.List;

/**
 * The health report of {@code botops status} (and of anything else that wants one verdict): size against
 * quota, connections, the biggest tables, active alerts and the forecast. Serialises to JSON as is.
 *
 * @param database  where the app is connected, password masked
 * @param schemaVersion the applied schema migration, {@code null} when unknown
 * @param error     why the database could not be checked; {@code null} when it could
 * @param forecast  {@code null} when unreachable
 * @param topTables the biggest tables, largest first
 * @param alerts    active alerts, most severe first
 */
public record HealthReport(Health health, Instant checkedAt, String database, String schemaVersion, String error, Server server,
                           Storage storage, Connections connections, Sessions sessions, List<TableStats> topTables,
                           Forecast forecast, List<Alert> alerts) {
    /** Tables a report lists. */
    public static final int TOP_TABLES = 10;

    /** The verdict, with the Nagios exit code so cron and monitors can use it directly. */
    public enum Health {
        OK(0), WARNING(1), CRITICAL(2),
        /** The database could not be reached, or the check itself failed (Nagios UNKNOWN). */
        UNREACHABLE(3);

        private final int exitCode;

        Health(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    public HealthReport {
        topTables = List.copyOf(topTables);
        alerts = List.copyOf(alerts);
    }

    /** The Nagios exit code of the verdict (also in the JSON, for programs). */
    @JsonProperty
    public int exitCode() {
        return health.exitCode();
    }

    /** The report on a snapshot: the verdict is the most severe active alert, or unreachable. */
    public static HealthReport of(String database, String schemaVersion, DatabaseSnapshot snapshot, Forecast forecast,
                                  List<Alert> alerts) {
        if (!snapshot.reachable()) {
            return unreachable(database, snapshot.takenAt(), snapshot.error(), alerts);
        }
        List<TableStats> tables = snapshot.tables();
        return new HealthReport(verdict(alerts), snapshot.takenAt(), database, schemaVersion, null, snapshot.server(), snapshot.storage(),
                snapshot.connections(), snapshot.sessions(), tables.subList(0, Math.min(TOP_TABLES, tables.size())),
                forecast, alerts);
    }

    /** The report when the database could not be checked at all. */
    public static HealthReport unreachable(String database, Instant checkedAt, String error, List<Alert> alerts) {
        return new HealthReport(Health.UNREACHABLE, checkedAt, database, null, error, null, null, null, null, List.of(), null, alerts);
    }

    private static Health verdict(List<Alert> alerts) {
        Health health = Health.OK;
        for (Alert alert : alerts) {
            if (alert.severity() == Severity.CRITICAL) {
                return Health.CRITICAL;
            }
            if (alert.severity() == Severity.WARNING) {
                health = Health.WARNING;
            }
        }
        return health;
    }
}
