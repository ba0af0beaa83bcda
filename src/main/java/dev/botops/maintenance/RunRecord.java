package dev.botops.maintenance;

import java.time.Instant;

/**
 * One row of {@code maintenance_runs}: what the dashboard's history table and the health endpoint show.
 *
 * @param finishedAt   {@code null} while running
 * @param bytesBefore  {@code pg_database_size} at the start, or {@code null}
 * @param detailsJson  the full {@link RunReport} as JSON, or {@code null}
 */
public record RunRecord(long runId, RunKind kind, Trigger trigger, String caller, boolean dryRun, Instant startedAt,
                        Instant finishedAt, Outcome outcome, long rowsDeleted, Long bytesBefore, Long bytesAfter,
                        String detailsJson, String error) {
}
