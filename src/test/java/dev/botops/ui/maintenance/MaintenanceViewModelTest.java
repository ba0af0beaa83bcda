package dev.botops.ui.maintenance;

import static dev.botops.ui.TestSnapshots.snapshot;
import static dev.botops.ui.maintenance.FakeMaintenance.healthReport;
import static dev.botops.ui.maintenance.FakeMaintenance.report;
import static dev.botops.ui.maintenance.FakeMaintenance.table;
import static dev.botops.ui.maintenance.FakeMaintenance.vacuumReport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.botops.maintenance.CleanupProgress;
import dev.botops.maintenance.Outcome;
import dev.botops.maintenance.RunKind;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.SchedulerState;
import dev.botops.maintenance.StorageReport;
import dev.botops.maintenance.VacuumReport;
import dev.botops.ui.ManualFx;
import dev.botops.ui.common.RunsOn;
import dev.botops.ui.common.TaskExecutor;
import dev.botops.ui.maintenance.CleanupModel.Step;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The Maintenance screen's panels against a fake of their port: no database; the test thread is the UI thread. */
class MaintenanceViewModelTest {
    private static final long MB = 1L << 20;

    private final FakeMaintenance source = new FakeMaintenance();

    private MaintenanceViewModel started() {
        MaintenanceViewModel model = new MaintenanceViewModel(source, TaskExecutor.sameThread(), Runnable::run);
        model.start();
        return model;
    }

    /** A cleanup that finds (dry run) and deletes {@code rows} expired rows of one table. */
    private void cleanupFinds(long rows) {
        source.reportOf = (id, request) -> report(id, request, Outcome.SUCCEEDED, rows, List.of(
                table("public.message_log", "PARTITION_DROP", 0, 0, 0, null),
                table("public.vm_events", "BATCHED", rows, 0, 0, null)));
    }

    @Test
    void previewCountsWhatACleanupWouldDeletePerTableAndConfirmDeletesThose() {
        cleanupFinds(1_500);
        MaintenanceViewModel model = started();
        CleanupModel cleanup = model.cleanup();

        cleanup.preview();

        assertThat(source.started).singleElement().satisfies(r -> assertThat(r.dryRun()).isTrue());
        assertThat(cleanup.step().get()).isEqualTo(Step.PREVIEW);
        assertThat(cleanup.previewRows()).extracting(PreviewRow::table, PreviewRow::rows)
                .containsExactly(tuple("public.vm_events", 1_500L), tuple("public.message_log", 0L));
        assertThat(cleanup.previewTotal().get()).isEqualTo(1_500);
        assertThat(cleanup.previewSummary().get()).contains("1,500 expired rows in 1 table(s)");

        cleanup.confirm();

        assertThat(source.started).last().satisfies(r -> assertThat(r.dryRun()).isFalse());
        assertThat(cleanup.step().get()).isEqualTo(Step.RESULT);
        assertThat(cleanup.result().get()).contains("deleted 1,500 rows", "Database 50 MB → 40 MB");
        assertThat(cleanup.progress().get()).isEqualTo(1.0);
        assertThat(model.busy().get()).isFalse();
        // The history was reloaded when the run ended: the run on top, its preview (the dry run) below it.
        assertThat(model.history().rows()).extracting(RunRow::kind, RunRow::rows)
                .containsExactly(tuple("CLEANUP", 1_500L), tuple("CLEANUP (dry run)", 1_500L));
    }

    @Test
    void progressIsShownAndCancelStopsTheRunAfterTheBatchInFlight() {
        cleanupFinds(20_000);
        MaintenanceViewModel model = started();
        CleanupModel cleanup = model.cleanup();
        cleanup.preview();
        CompletableFuture<RunReport> run = new CompletableFuture<>();
        source.pending = run;

        cleanup.confirm();
        source.progress(new CleanupProgress(2, RunKind.CLEANUP, "public.vm_events", 5_000, 20_000, 5, 2_500, Duration.ofSeconds(2),
                Duration.ofSeconds(6), Duration.ofMillis(40), "public.vm_events", false));

        assertThat(cleanup.step().get()).isEqualTo(Step.RUNNING);
        assertThat(cleanup.progress().get()).isEqualTo(0.25);
        assertThat(cleanup.progressRows().get()).isEqualTo("5,000 of 20,000 rows deleted · 5 batches");
        assertThat(cleanup.progressRate().get()).isEqualTo("2,500 rows/s");
        assertThat(cleanup.progressTable().get()).isEqualTo("public.vm_events");

        cleanup.cancel();

        assertThat(source.cancelled).containsExactly(2L);
        assertThat(cleanup.cancelling().get()).isTrue();
        assertThat(model.message().get()).isEqualTo("Cancelling after the batch in flight…");

        run.complete(report(2, source.started.get(1), Outcome.CANCELLED, 5_000, List.of()));

        assertThat(cleanup.step().get()).isEqualTo(Step.RESULT);
        assertThat(cleanup.result().get()).contains("was cancelled after 5,000 of 20,000 rows");
        assertThat(model.busy().get()).isFalse();
        assertThat(model.history().rows().get(0).outcome()).isEqualTo("CANCELLED");
    }

    @Test
    void noWorkerWaitsForARunItsReportArrivesWhenItEnds() {
        ManualFx fx = new ManualFx();
        MaintenanceViewModel model = new MaintenanceViewModel(source, fx, fx);
        model.start();
        fx.runTasks();
        CompletableFuture<RunReport> run = new CompletableFuture<>();
        source.pending = run;

        model.health().run();
        fx.runTasks();
        fx.runFx();

        assertThat(fx.pendingTasks()).isZero();
        assertThat(model.busy().get()).isTrue();
        assertThat(model.health().result().get()).isEmpty();

        run.complete(healthReport(1, new StorageReport(50 * MB, 10L << 30, List.of(), List.of(), List.of())));
        fx.runFx();

        assertThat(model.busy().get()).isFalse();
        assertThat(model.health().result().get()).startsWith("Database 50 MB of 10 GB");
    }

    @Test
    void aRunRefusedBecauseAnotherIsActiveShowsWhyAndGoesBack() {
        source.busy = "Another maintenance run (cleanup 7 by CLI · cron) is already active in this instance.";
        MaintenanceViewModel model = started();

        model.cleanup().preview();

        assertThat(model.cleanup().step().get()).isEqualTo(Step.IDLE);
        assertThat(model.message().get()).contains("already active in this instance", "cron");
        assertThat(model.busy().get()).isFalse();
    }

    @Test
    void vacuumFullShowsTheGuardsWarningFirstAndReportsTheRefusal() {
        source.latest = java.util.Optional.of(snapshot().size(900 * 1024, MB).table("vm_vacuum_events", null, 2 * MB, 0, 0, 100, 0).build());
        String refusal = "VACUUM FULL of public.vm_vacuum_events refused: it needs room for a copy of 2 MB and 124 KB of the 1 MB quota is free.";
        source.reportOf = (id, request) -> vacuumReport(id, request, new VacuumReport(900 * 1024, 900 * 1024, List.of(
                new VacuumReport.TableVacuum("public.vm_vacuum_events", true, 2 * MB, 2 * MB, 0, 0, 0, refusal, null))));
        MaintenanceViewModel model = started();
        VacuumModel vacuum = model.vacuum();
        VacuumTarget target = vacuum.targets().stream().filter(t -> t.name().equals("public.vm_vacuum_events")).findFirst().orElseThrow();
        vacuum.selected().setAll(target);
        assertThat(vacuum.fullWarning().get()).isEmpty();

        vacuum.full().set(true);

        assertThat(vacuum.fullWarning().get()).contains("ACCESS EXCLUSIVE lock", "room for a complete copy",
                "It will be refused for public.vm_vacuum_events");
        assertThat(vacuum.action().get()).isEqualTo("VACUUM FULL 1 table(s)");
        vacuum.run();
        assertThat(source.started).singleElement().satisfies(r -> {
            assertThat(r.tables()).containsExactly(target.qualifiedName());
            assertThat(r.vacuum().full()).isTrue();
        });
        assertThat(vacuum.result().get()).contains(refusal);
    }

    @Test
    void vacuumWithAnalyzeReportsDeadRowsBeforeAndAfter() {
        source.latest = java.util.Optional.of(snapshot().table("vm_plain_vacuum", null, 10 * MB, 0, 0, 2_500, 2_500).build());
        source.reportOf = (id, request) -> vacuumReport(id, request, new VacuumReport(50 * MB, 50 * MB, List.of(
                new VacuumReport.TableVacuum("public.vm_plain_vacuum", false, 10 * MB, 10 * MB, 2_500, 0, 5 * MB, null, null))));
        MaintenanceViewModel model = started();
        model.vacuum().selected().setAll(model.vacuum().targets());
        assertThat(model.vacuum().full().get()).isFalse();
        assertThat(model.vacuum().analyze().get()).isTrue();

        model.vacuum().run();

        assertThat(model.vacuum().result().get()).contains("public.vm_plain_vacuum: 10 MB → 10 MB, dead rows 2,500 → 0",
                "~5 MB reusable inside the table", "0 B returned to the quota");
        assertThat(model.message().get()).isEqualTo("VACUUM run 1 succeeded.");
    }

    @Test
    void aPartitionedTableIsOneTargetUnderItsQuotedNameWithItsPartitionsSizesSummed() {
        source.latest = java.util.Optional.of(snapshot().table("message_log_p20260501", "public.message_log", 3 * MB, 0, 0, 10, 0)
                .table("message_log_p20260502", "public.message_log", 2 * MB, 0, 0, 10, 0).build());

        MaintenanceViewModel model = started();

        assertThat(model.vacuum().targets()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("public.message_log");
            assertThat(t.qualifiedName()).isEqualTo("\"public\".\"message_log\"");
            assertThat(t.bytes()).isEqualTo(5 * MB);
        });
    }

    @Test
    void fullWithoutChosenTablesCannotStart() {
        MaintenanceViewModel model = started();

        model.vacuum().full().set(true);

        assertThat(model.vacuum().canRun().get()).isFalse();
        assertThat(model.vacuum().action().get()).isEqualTo("Choose tables for VACUUM FULL");
    }

    @Test
    void healthCheckNowReportsStorageAndPartitionsAhead() {
        source.reportOf = (id, request) -> healthReport(id, new StorageReport(50 * MB, 10L << 30, List.of(), List.of("public.trades"),
                List.of(new StorageReport.PartitionedTable("public.message_log", 45, 3, 0, List.of()))));
        MaintenanceViewModel model = started();

        model.health().run();

        assertThat(model.health().result().get()).contains("Database 50 MB of 10 GB", "Needs VACUUM: public.trades.",
                "public.message_log: 45 partitions, 3 day(s) ahead");
        assertThat(model.history().rows()).extracting(RunRow::kind, RunRow::outcome).containsExactly(tuple("HEALTH", "SUCCEEDED"));
    }

    @Test
    void scheduleShowsWhereItRunsAndPausesAndResumesThroughTheSource() {
        source.schedule = new ScheduleSnapshot(RunsOn.thisInstance("desk"), false, jobs(), "");
        MaintenanceViewModel model = started();
        ScheduleModel schedule = model.schedule();
        assertThat(schedule.rows()).extracting(ScheduleRow::job).containsExactly("Daily full maintenance", "Health check", "Quick cleanup");
        assertThat(schedule.rows()).allSatisfy(row -> assertThat(row.nextRun()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"));
        assertThat(schedule.status().get()).isEqualTo("Running on this instance.");

        schedule.pause();

        assertThat(source.commands).containsExactly("pause");
        assertThat(schedule.paused().get()).isTrue();
        assertThat(schedule.status().get()).startsWith("Paused on this instance");
        assertThat(schedule.rows()).allSatisfy(row -> assertThat(row.nextRun()).endsWith("(paused: skipped)"));

        schedule.resume();

        assertThat(source.commands).containsExactly("pause", "resume");
        assertThat(schedule.paused().get()).isFalse();
    }

    @Test
    void aScheduleOnAnotherInstanceIsLabelledWithItsName() {
        source.schedule = new ScheduleSnapshot(RunsOn.instance("server-a"), true, jobs(), "");

        MaintenanceViewModel model = started();

        assertThat(model.schedule().status().get()).isEqualTo("Paused on server-a: jobs come due but do nothing until resumed.");
    }

    @Test
    void aScheduleThatRunsNowhereSaysWhyAndHasNoNextRuns() {
        source.schedule = new ScheduleSnapshot(RunsOn.nowhere(), false, jobs(), "Not running in this instance (maintenance.scheduler-enabled is false).");

        MaintenanceViewModel model = started();

        assertThat(model.schedule().status().get()).isEqualTo("Not running in this instance (maintenance.scheduler-enabled is false).");
        assertThat(model.schedule().rows()).allSatisfy(row -> assertThat(row.nextRun()).isEqualTo("—"));
    }

    @Test
    void runDetailsShowEachTableAndWhereItsRowsWereArchived() {
        source.reportOf = (id, request) -> report(id, request, Outcome.SUCCEEDED, 300, List.of(
                table("public.vm_archived_events", "BATCHED", 300, 0, 0, "/data/archive/public.vm_archived_events-run1.jsonl.gz"),
                table("public.price_ticks", "PARTITION_DROP", 0, 2, 3 * MB, null)));
        MaintenanceViewModel model = started();
        model.cleanup().preview();
        model.cleanup().confirm();

        model.history().show(model.history().rows().get(0).runId());

        assertThat(model.history().details()).extracting(DetailRow::table, DetailRow::rows, DetailRow::partitions, DetailRow::archive)
                .containsExactly(tuple("public.vm_archived_events", 300L, "—", "/data/archive/public.vm_archived_events-run1.jsonl.gz"),
                        tuple("public.price_ticks", 0L, "2 dropped", "—"));
        assertThat(model.history().details().get(1).quota()).isEqualTo("3 MB");
        assertThat(model.history().details().get(0).reusable()).isEqualTo("~29.3 KB");
        assertThat(model.history().archives().get()).startsWith("Archive files").contains("public.vm_archived_events-run1");
        assertThat(model.history().summary().get()).contains("CLEANUP by MANUAL (dashboard)", "300 rows deleted");
    }

    @Test
    void stopLetsGoOfTheProgressAndTheSnapshots() {
        MaintenanceViewModel model = started();
        assertThat(source.progressListeners).hasSize(1);
        assertThat(source.snapshotListeners).hasSize(1);

        model.stop();

        assertThat(source.progressListeners).isEmpty();
        assertThat(source.snapshotListeners).isEmpty();
    }

    private static List<SchedulerState.Job> jobs() {
        return List.of(new SchedulerState.Job(RunKind.DAILY, FakeMaintenance.NOW.plusSeconds(3_600), null, null, null),
                new SchedulerState.Job(RunKind.HEALTH, FakeMaintenance.NOW.plusSeconds(600), FakeMaintenance.NOW, Outcome.SUCCEEDED, null),
                new SchedulerState.Job(RunKind.QUICK_CLEANUP, FakeMaintenance.NOW.plusSeconds(900), null, null, null));
    }
}
