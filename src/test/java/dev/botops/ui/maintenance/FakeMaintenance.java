package dev.botops.ui.maintenance;

import dev.botops.maintenance.CleanupProgress;
import dev.botops.maintenance.Outcome;
import dev.botops.maintenance.RunKind;
import dev.botops.maintenance.RunRecord;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.RunRequest;
import dev.botops.maintenance.StartResult;
import dev.botops.maintenance.StorageReport;
import dev.botops.maintenance.TableResult;
import dev.botops.maintenance.Trigger;
import dev.botops.maintenance.VacuumReport;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.ui.common.CommandResult;
import dev.botops.ui.common.RunsOn;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The Maintenance screen's port without a database: runs end with the report the test describes (at once, or when
 * the test completes {@link #pending}), the run log keeps what ended, the schedule is what the test sets.
 */
final class FakeMaintenance implements MaintenanceSource {
    static final Instant NOW = Instant.parse("2026-05-04T10:00:00Z");

    final List<RunRequest> started = new ArrayList<>();
    final List<Long> cancelled = new ArrayList<>();
    final List<String> commands = new ArrayList<>();
    final List<Consumer<CleanupProgress>> progressListeners = new CopyOnWriteArrayList<>();
    final List<Consumer<DatabaseSnapshot>> snapshotListeners = new CopyOnWriteArrayList<>();
    final List<RunRecord> log = new ArrayList<>();
    final Map<Long, RunReport> reports = new HashMap<>();
    Optional<DatabaseSnapshot> latest = Optional.empty();
    ScheduleSnapshot schedule = new ScheduleSnapshot(RunsOn.nowhere(), false, List.of(), "Not running in this instance.");
    /** The report a run ends with, from its id and request. */
    BiFunction<Long, RunRequest, RunReport> reportOf = (id, request) -> report(id, request, Outcome.SUCCEEDED, 0, List.of());
    /** When set, the next run ends only when the test completes this. */
    CompletableFuture<RunReport> pending;
    /** When set, the next start is refused with this reason (another run is active). */
    String busy;
    private long nextRunId = 1;

    @Override
    public StartResult start(RunRequest request) {
        started.add(request);
        if (busy != null) {
            String reason = busy;
            busy = null;
            return new StartResult(StartResult.Status.BUSY, 0, reason, null);
        }
        long runId = nextRunId++;
        CompletableFuture<RunReport> completion = pending != null ? pending : CompletableFuture.completedFuture(reportOf.apply(runId, request));
        pending = null;
        // The run log has the run before anyone hears it ended, as in the service.
        CompletableFuture<RunReport> logged = completion.thenApply(report -> {
            log.add(0, record(report));
            reports.put(report.runId(), report);
            return report;
        });
        return new StartResult(StartResult.Status.STARTED, runId, null, logged);
    }

    void progress(CleanupProgress progress) {
        progressListeners.forEach(l -> l.accept(progress));
    }

    void snapshot(DatabaseSnapshot snapshot) {
        latest = Optional.of(snapshot);
        snapshotListeners.forEach(l -> l.accept(snapshot));
    }

    @Override
    public boolean cancel(long runId) {
        cancelled.add(runId);
        return true;
    }

    @Override
    public Runnable subscribeProgress(Consumer<CleanupProgress> listener) {
        progressListeners.add(listener);
        return () -> progressListeners.remove(listener);
    }

    @Override
    public List<RunRecord> runs(int limit) {
        return List.copyOf(log.subList(0, Math.min(limit, log.size())));
    }

    @Override
    public Optional<RunRecord> run(long runId) {
        return log.stream().filter(r -> r.runId() == runId).findFirst();
    }

    @Override
    public Optional<RunReport> report(long runId) {
        return Optional.ofNullable(reports.get(runId));
    }

    @Override
    public Runnable subscribeSnapshots(Consumer<DatabaseSnapshot> listener) {
        snapshotListeners.add(listener);
        return () -> snapshotListeners.remove(listener);
    }

    @Override
    public Optional<DatabaseSnapshot> latestSnapshot() {
        return latest;
    }

    @Override
    public ScheduleSnapshot schedule() {
        return schedule;
    }

    @Override
    public CompletionStage<CommandResult> pauseSchedule() {
        commands.add("pause");
        schedule = new ScheduleSnapshot(schedule.runsOn(), true, schedule.jobs(), schedule.note());
        return CompletableFuture.completedFuture(CommandResult.accepted("Schedule paused."));
    }

    @Override
    public CompletionStage<CommandResult> resumeSchedule() {
        commands.add("resume");
        schedule = new ScheduleSnapshot(schedule.runsOn(), false, schedule.jobs(), schedule.note());
        return CompletableFuture.completedFuture(CommandResult.accepted("Schedule resumed."));
    }

    // ---- reports as the service writes them ---------------------------------------------------------------

    static RunReport report(long runId, RunRequest request, Outcome outcome, long rows, List<TableResult> tables) {
        return new RunReport(runId, "desk", request.kind(), Trigger.MANUAL, "dashboard", request.dryRun(), NOW, NOW.plusMillis(1_500),
                outcome, rows, 50L << 20, 40L << 20, tables, null, null, null);
    }

    static RunReport vacuumReport(long runId, RunRequest request, VacuumReport vacuum) {
        return new RunReport(runId, "desk", RunKind.VACUUM, Trigger.MANUAL, "dashboard", false, NOW, NOW.plusSeconds(2),
                Outcome.SUCCEEDED, 0, vacuum.databaseBytesBefore(), vacuum.databaseBytesAfter(), List.of(), vacuum, null, null);
    }

    static RunReport healthReport(long runId, StorageReport health) {
        return new RunReport(runId, "desk", RunKind.HEALTH, Trigger.MANUAL, "dashboard", false, NOW, NOW.plusSeconds(1),
                Outcome.SUCCEEDED, 0, health.databaseBytes(), health.databaseBytes(), List.of(), null, health, null);
    }

    /** A policy's table: rows deleted (or, in a dry run, to delete), partitions dropped, archive file. */
    static TableResult table(String table, String strategy, long rows, int partitionsDropped, long quotaBytes, String archive) {
        List<String> dropped = new ArrayList<>();
        for (int i = 0; i < partitionsDropped; i++) {
            dropped.add(table + "_p2026040" + i);
        }
        return new TableResult(table, table, strategy, NOW.minus(Duration.ofDays(30)), rows, dropped, quotaBytes, rows * 100,
                quotaBytes + (10L << 20), 10L << 20, archive, null, null);
    }

    private static RunRecord record(RunReport r) {
        return new RunRecord(r.runId(), r.kind(), r.trigger(), r.caller(), r.dryRun(), r.startedAt(), r.finishedAt(), r.outcome(),
                r.rowsDeleted(), r.databaseBytesBefore(), r.databaseBytesAfter(), null, r.error());
    }
}
