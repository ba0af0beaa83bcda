package dev.botops.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything one run did, as stored in {@code maintenance_runs.details} and summarised in {@code maintenance.log}.
 *
 * @param vacuum {@code null} when the run did not VACUUM
 * @param health {@code null} when the run made no health report
 * @param error  what went wrong, or {@code null}
 */
public record RunReport(long runId, String instance, RunKind kind, Trigger trigger, String caller, boolean dryRun, Instant startedAt,
                        Instant finishedAt, Outcome outcome, long rowsDeleted, long databaseBytesBefore, long databaseBytesAfter,
                        List<TableResult> tables, VacuumReport vacuum, StorageReport health, String error) {
    public RunReport {
        tables = List.copyOf(tables);
    }

    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }
}
