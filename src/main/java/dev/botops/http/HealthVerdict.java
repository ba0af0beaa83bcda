package dev.botops.http;

import dev.botops.monitor.Ages;
import dev.botops.monitor.Alert;
import dev.botops.monitor.DatabaseSnapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * UP, WARN or DOWN, and why. DOWN when there is no snapshot yet, when the latest is older than
 * {@code monitor.stale-after} (the monitor is stuck, so its figures cannot be trusted), when the database
 * could not be read, or when a critical alert is active; WARN when a warning alert is active.
 *
 * @param reasons short, secret-free sentences, the most serious first; empty when UP
 */
record HealthVerdict(HealthStatus status, List<String> reasons) {

    HealthVerdict {
        reasons = List.copyOf(reasons);
    }

    static HealthVerdict of(CachedState state) {
        HealthStatus status = HealthStatus.UP;
        List<String> reasons = new ArrayList<>();
        DatabaseSnapshot latest = state.latest();
        if (latest == null) {
            status = HealthStatus.DOWN;
            reasons.add("No database snapshot yet: the monitor has not run.");
        } else if (state.stale()) {
            status = HealthStatus.DOWN;
            reasons.add("The latest database snapshot is " + Ages.format(state.snapshotAge()) + " old, older than monitor.stale-after ("
                    + Ages.format(state.staleAfter()) + "): the monitor is not keeping up.");
        } else if (!latest.reachable()) {
            status = HealthStatus.DOWN;
            reasons.add(latest.state() == DatabaseSnapshot.State.UNREACHABLE ? "The database cannot be reached: " + latest.error()
                    : "The monitor could not read the database: " + latest.error());
        }
        for (Alert alert : state.alerts()) {
            HealthStatus level = HealthStatus.of(alert.severity());
            if (level != HealthStatus.UP && !duplicatesSnapshotReason(alert, latest)) {
                reasons.add(alert.ruleId() + ": " + alert.message());
            }
            status = status.worst(level);
        }
        return new HealthVerdict(status, reasons);
    }

    /** The unreachable alert repeats what the failed snapshot already said. */
    private static boolean duplicatesSnapshotReason(Alert alert, DatabaseSnapshot latest) {
        return latest != null && !latest.reachable() && alert.message().contains(String.valueOf(latest.error()));
    }
}
