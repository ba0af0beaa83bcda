package dev.botops.ui.maintenance;

import dev.botops.maintenance.RunRequest;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/** The health check panel: the scheduled check, now (storage against the quota, tables needing VACUUM, partitions ahead). */
public final class HealthCheckModel {
    private final RunLauncher runs;
    private final ReadOnlyStringWrapper result = new ReadOnlyStringWrapper("");

    HealthCheckModel(RunLauncher runs) {
        this.runs = runs;
    }

    public ReadOnlyStringProperty result() {
        return result.getReadOnlyProperty();
    }

    public void run() {
        if (runs.busy().get()) {
            return;
        }
        result.set("");
        runs.say("Health check running…");
        runs.start("health check", RunRequest.health(), report -> {
            result.set(RunReportText.health(report));
            runs.say("Health check run " + report.runId() + " " + RunReportText.outcome(report.outcome()) + ".");
        });
    }
}
