package dev.botops.ui.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.app.AppContext;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import dev.botops.testing.UiThread;
import dev.botops.ui.common.TaskExecutor;
import dev.botops.ui.maintenance.MaintenanceViewModel.CleanupStep;
import dev.botops.ui.maintenance.MaintenanceViewModel.PreviewRow;
import dev.botops.ui.maintenance.MaintenanceViewModel.VacuumTarget;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The maintenance screen's logic against a real database and the real maintenance service; the test thread is the UI thread. */
@ExtendWith(PostgresExtension.class)
class MaintenanceViewModelTest {
    private final UiThread ui = new UiThread();
    private TestDatabase testDb;
    private AppContext context;
    private MaintenanceViewModel model;

    @AfterEach
    void close() {
        if (context != null) {
            context.close();
        }
    }

    /** {@link ExpiringTable} and the view model on the app built for it. */
    private void open(TestDatabase db, String table, int expired, int fresh, Map<String, String> extra) {
        this.testDb = db;
        Map<String, String> settings = new HashMap<>(ExpiringTable.create(db, table, expired, fresh));
        settings.putAll(extra);
        context = AppContext.start(db.settings(settings));
        model = new MaintenanceViewModel(context.maintenance(), context.monitor(), TaskExecutor.sameThread(), ui);
        ui.drain();
    }

    @Test
    void previewCountsTheExpiredRowsPerTableAndConfirmDeletesExactlyThose(TestDatabase db) {
        open(db, "vm_events", 1_500, 40, Map.of());

        model.previewCleanup();
        ui.until(() -> model.step().get() == CleanupStep.PREVIEW);

        assertThat(model.previewRows()).filteredOn(r -> r.table().equals("public.vm_events")).singleElement()
                .extracting(PreviewRow::rows).isEqualTo(1_500L);
        assertThat(model.previewTotal().get()).isEqualTo(1_500);
        assertThat(model.previewSummary().get()).contains("1,500 expired rows");
        assertThat(count("SELECT count(*) FROM vm_events")).isEqualTo(1_540);

        model.confirmCleanup();
        assertThat(model.step().get()).isIn(CleanupStep.RUNNING, CleanupStep.RESULT);
        ui.until(() -> model.step().get() == CleanupStep.RESULT);

        assertThat(count("SELECT count(*) FROM vm_events")).isEqualTo(40);
        assertThat(model.cleanupResult().get()).contains("deleted 1,500 rows");
        assertThat(model.progress().get()).isEqualTo(1.0);
        // The history was reloaded when the run ended: the run on top, its preview (the dry run) below it.
        assertThat(model.runs()).extracting(MaintenanceViewModel.RunRow::kind, MaintenanceViewModel.RunRow::rows)
                .startsWith(org.assertj.core.groups.Tuple.tuple("CLEANUP", 1_500L), org.assertj.core.groups.Tuple.tuple("CLEANUP (dry run)", 1_500L));
    }

    @Test
    void cancelStopsTheRunAfterTheBatchInFlightAndSaysSo(TestDatabase db) {
        open(db, "vm_cancel_events", 20_000, 0, Map.of("maintenance.batch-target", "5ms"));
        slowDeletes("vm_cancel_events");
        model.previewCleanup();
        ui.until(() -> model.step().get() == CleanupStep.PREVIEW);

        model.confirmCleanup();
        ui.until(() -> model.progress().get() > 0);
        model.cancelCleanup();
        assertThat(model.cancelling().get()).isTrue();
        ui.until(() -> model.step().get() == CleanupStep.RESULT);

        long left = count("SELECT count(*) FROM vm_cancel_events");
        assertThat(left).isBetween(1L, 19_999L);
        assertThat(model.cleanupResult().get()).contains("was cancelled after " + String.format(Locale.ROOT, "%,d", 20_000 - left)
                + " of 20,000 rows");
        assertThat(model.progressRate().get()).endsWith("rows/s");
        assertThat(model.busy().get()).isFalse();
        assertThat(model.runs().get(0).outcome()).isEqualTo("CANCELLED");
        assertThat(model.runs().get(0).rows()).isEqualTo(20_000 - left);
    }

    @Test
    void vacuumFullShowsTheGuardsWarningFirstAndReportsTheRefusalWhenTheQuotaHasNoRoom(TestDatabase db) {
        open(db, "vm_vacuum_events", 20_000, 0, Map.of("limits.storage-quota", "1MB"));
        context.monitor().start();
        ui.until(() -> model.vacuumTargets().stream().anyMatch(t -> t.name().equals("public.vm_vacuum_events")));
        VacuumTarget target = model.vacuumTargets().stream().filter(t -> t.name().equals("public.vm_vacuum_events")).findFirst().orElseThrow();
        model.selectedTargets().setAll(target);
        assertThat(model.fullWarning().get()).isEmpty();

        model.full().set(true);

        assertThat(model.fullWarning().get()).contains("ACCESS EXCLUSIVE lock", "room for a complete copy",
                "It will be refused for public.vm_vacuum_events");
        assertThat(model.vacuumAction().get()).isEqualTo("VACUUM FULL 1 table(s)");
        model.startVacuum();
        ui.until(() -> !model.vacuumResult().get().isEmpty());
        assertThat(model.vacuumResult().get()).contains("VACUUM FULL of public.vm_vacuum_events refused", "needs room for a copy");
    }

    @Test
    void vacuumWithAnalyzeReportsDeadRowsBeforeAndAfter(TestDatabase db) {
        open(db, "vm_plain_vacuum", 5_000, 0, Map.of());
        sql("ALTER TABLE vm_plain_vacuum SET (autovacuum_enabled = false)", "DELETE FROM vm_plain_vacuum WHERE id % 2 = 0",
                "ANALYZE vm_plain_vacuum");
        // The statistics collector reports dead rows asynchronously (and later still on a busy machine).
        ui.until(() -> count("SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'vm_plain_vacuum'") == 2_500);
        context.monitor().start();
        ui.until(() -> model.vacuumTargets().stream().anyMatch(t -> t.name().equals("public.vm_plain_vacuum")));
        model.selectedTargets().setAll(model.vacuumTargets().stream().filter(t -> t.name().equals("public.vm_plain_vacuum")).toList());
        assertThat(model.full().get()).isFalse();
        assertThat(model.analyze().get()).isTrue();

        model.startVacuum();
        ui.until(() -> !model.vacuumResult().get().isEmpty());

        assertThat(model.vacuumResult().get()).contains("public.vm_plain_vacuum:", "dead rows 2,500 → 0", "returned to the quota");
        assertThat(model.message().get()).contains("succeeded");
    }

    @Test
    void fullWithoutChosenTablesCannotStart(TestDatabase db) {
        open(db, "vm_full_choice", 10, 0, Map.of());

        model.full().set(true);

        assertThat(model.canVacuum().get()).isFalse();
        assertThat(model.vacuumAction().get()).isEqualTo("Choose tables for VACUUM FULL");
    }

    @Test
    void healthCheckNowReportsStorageAndPartitionsAhead(TestDatabase db) {
        open(db, "vm_health_events", 10, 0, Map.of());

        model.runHealthCheck();
        ui.until(() -> !model.healthResult().get().isEmpty());

        assertThat(model.healthResult().get()).contains("of 10 GB", "botops.message_log:", "day(s) ahead");
        ui.until(() -> model.runs().stream().anyMatch(r -> r.kind().equals("HEALTH") && r.outcome().equals("SUCCEEDED")));
    }

    @Test
    void scheduleShowsNextRunsAndPausesAndResumes(TestDatabase db) {
        open(db, "vm_schedule_events", 10, 0, Map.of());
        context.maintenance().scheduler().start();
        model.refresh();
        ui.drain();
        assertThat(model.schedule()).extracting(MaintenanceViewModel.ScheduleRow::job)
                .containsExactly("Daily full maintenance", "Health check", "Quick cleanup");
        assertThat(model.schedule()).allSatisfy(row -> assertThat(row.nextRun()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"));

        model.pauseSchedule();
        ui.drain();
        assertThat(model.schedulePaused().get()).isTrue();
        assertThat(context.maintenance().schedulerState().paused()).isTrue();
        assertThat(model.scheduleStatus().get()).startsWith("Paused");

        model.resumeSchedule();
        ui.drain();
        assertThat(model.schedulePaused().get()).isFalse();
        assertThat(context.maintenance().schedulerState().paused()).isFalse();
    }

    @Test
    void runDetailsShowEachTableAndWhereItsRowsWereArchived(TestDatabase db) {
        open(db, "vm_archived_events", 300, 0, Map.of("retention.vm_archived_events.archive", "true"));
        model.previewCleanup();
        ui.until(() -> model.step().get() == CleanupStep.PREVIEW);
        model.confirmCleanup();
        ui.until(() -> model.step().get() == CleanupStep.RESULT);

        model.showRun(model.runs().get(0).runId());
        ui.drain();

        assertThat(model.runDetails()).filteredOn(r -> r.table().equals("public.vm_archived_events")).singleElement()
                .satisfies(r -> {
                    assertThat(r.rows()).isEqualTo(300);
                    assertThat(r.archive()).contains("public.vm_archived_events-run").endsWith(".jsonl.gz");
                });
        assertThat(model.runArchives().get()).startsWith("Archive files").contains("public.vm_archived_events-run");
        assertThat(model.runSummary().get()).contains("CLEANUP by MANUAL (dashboard)", "300 rows deleted");
    }

    @Test
    void aRunRefusedBecauseAnotherIsActiveShowsWhyAndGoesBack(TestDatabase db) {
        open(db, "vm_busy_events", 5_000, 0, Map.of("maintenance.batch-target", "5ms"));
        slowDeletes("vm_busy_events");
        var other = context.maintenance().startCleanup(false, dev.botops.maintenance.Trigger.CLI, "cron");
        assertThat(other.started()).isTrue();

        model.previewCleanup();
        ui.drain();

        assertThat(model.step().get()).isEqualTo(CleanupStep.IDLE);
        assertThat(model.message().get()).contains("already active in this instance", "cron");
        assertThat(model.busy().get()).isFalse();
        context.maintenance().cancel();
        other.completion().join();
    }

    private void slowDeletes(String table) {
        ExpiringTable.slowDeletes(testDb, table);
    }

    private void sql(String... statements) {
        ExpiringTable.sql(testDb, statements);
    }

    private long count(String query) {
        return ExpiringTable.count(testDb, query);
    }
}
