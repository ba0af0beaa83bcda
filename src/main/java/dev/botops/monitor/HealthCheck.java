package dev.botops.monitor;

import dev.botops.db.DatabaseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One health check on demand ({@code botops status}): a fresh snapshot, the forecast, and the alert rules
 * evaluated against the alerts recorded so far. Read-only: it records nothing, so a cron job calling it
 * never fights the running monitor over which alerts are active; the alerts other parts raised
 * (maintenance, the bot) are included as recorded.
 */
public final class HealthCheck {
    private final DatabaseMonitor monitor;
    private final MetricHistory history;
    private final AlertRules rules;
    private final AlertService alerts;
    private final Clock clock;

    public HealthCheck(DatabaseMonitor monitor, MetricHistory history, AlertRules rules, AlertService alerts, Clock clock) {
        this.monitor = monitor;
        this.history = history;
        this.rules = rules;
        this.alerts = alerts;
        this.clock = clock;
    }

    /** Checks the database now; never throws for a database failure (that is an unreachable report). */
    public HealthReport check(String database, String schemaVersion) {
        try {
            DatabaseSnapshot snapshot = monitor.snapshot();
            Forecast forecast = history.forecast(snapshot.takenAt(), snapshot);
            Map<String, Severity> previous = alerts.activeSeverities();
            List<AlertRules.Finding> findings = rules.evaluate(snapshot, forecast, previous);
            return HealthReport.of(database, schemaVersion, snapshot, forecast,
                    project(findings, alerts.active(), snapshot.takenAt()));
        } catch (DatabaseException e) {
            return HealthReport.unreachable(database, clock.instant(), e.getMessage(), List.of());
        }
    }

    /**
     * The alerts that would be active if the findings were applied: the rules' findings (keeping the first
     * seen time of alerts already active) plus the active alerts the rules do not own.
     */
    static List<Alert> project(List<AlertRules.Finding> findings, List<Alert> active, Instant now) {
        List<Alert> result = new ArrayList<>();
        for (AlertRules.Finding finding : findings) {
            Optional<Alert> existing = active.stream().filter(a -> a.ruleId().equals(finding.ruleId())).findFirst();
            result.add(new Alert(existing.map(Alert::id).orElse(0L), finding.ruleId(), finding.severity(), finding.message(),
                    finding.hint(), existing.map(Alert::firstSeen).orElse(now), now, null));
        }
        for (Alert alert : active) {
            if (!AlertRules.owns(alert.ruleId())) {
                result.add(alert);
            }
        }
        result.sort(AlertService.MOST_SEVERE_FIRST);
        return result;
    }
}
