package dev.botops.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.app.AppContext;
import dev.botops.maintenance.Trigger;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import dev.botops.ui.maintenance.ExpiringTable;
import dev.botops.ui.maintenance.DetailRow;
import dev.botops.ui.maintenance.PreviewRow;
import dev.botops.ui.maintenance.RunRow;
import dev.botops.ui.maintenance.VacuumTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The maintenance screen clicked through, headless, against a real PostgreSQL: cleanup (preview, confirm, progress,
 * result, history), cancel mid-run, VACUUM with the FULL guard; the FX thread never stalls for 100 ms.
 */
@ExtendWith(PostgresExtension.class)
class MaintenanceUiTest {
    private TestDatabase testDb;
    private DashboardFixture ui;

    @AfterEach
    void close() throws Exception {
        if (ui != null) {
            ui.close();
        }
    }

    /** {@link ExpiringTable} and the dashboard on the app built for it, showing the maintenance screen. */
    private void open(TestDatabase db, String table, int expired, int fresh, Map<String, String> extra) throws Exception {
        testDb = db;
        Map<String, String> settings = new HashMap<>(ExpiringTable.create(db, table, expired, fresh));
        settings.putAll(extra);
        AppContext context = AppContext.start(db.settings(settings));
        context.monitor().start();
        // A running installation always has runs in its history: the screen opens with the table filled (which also
        // warms up the table code before the FX thread is watched).
        context.maintenance().startCleanup(true, Trigger.CLI, "cron").completion().join();
        ui = DashboardFixture.open(context);
        ui.clickOn("#nav-maintenance");
        ui.watchFxThread();
    }

    @Test
    void cleanupPreviewsTheCountsThenDeletesExactlyThoseRowsAndRecordsTheRun(TestDatabase db) throws Exception {
        open(db, "ui_events", 2_000, 25, Map.of());

        ui.clickOn("#cleanup-button");
        ui.until(() -> previewRow("public.ui_events") != null);
        assertThat(previewRow("public.ui_events").rows()).isEqualTo(2_000);
        assertThat(text("#preview-summary")).contains("2,000 expired rows");
        assertThat(ui.onFx(() -> ui.node("#cleanup-confirm", javafx.scene.control.Button.class).getText())).isEqualTo("Delete 2,000 rows");
        assertThat(count("SELECT count(*) FROM ui_events")).isEqualTo(2_025);

        List<Double> progress = recordProgress();
        ui.clickOn("#cleanup-confirm");
        ui.until(() -> text("#cleanup-result").contains("deleted 2,000 rows"));

        assertThat(count("SELECT count(*) FROM ui_events WHERE created_at < now() - interval '30 days'")).isZero();
        assertThat(count("SELECT count(*) FROM ui_events")).isEqualTo(25);
        assertThat(progress).last().isEqualTo(1.0);
        assertThat(text("#progress-rows")).startsWith("2,000 of 2,000 rows deleted");
        ui.until(() -> latestRun("CLEANUP", "SUCCEEDED"));
        RunRow run = ui.onFx(() -> history().get(0));
        assertThat(run.kind()).isEqualTo("CLEANUP");
        assertThat(run.outcome()).isEqualTo("SUCCEEDED");
        assertThat(run.rows()).isEqualTo(2_000);

        ui.clickOn(cellOf("#history-table", Long.toString(run.runId())));
        ui.until(() -> detailsOf("public.ui_events") != null);
        assertThat(detailsOf("public.ui_events").rows()).isEqualTo(2_000);
        assertThat(text("#run-summary")).contains("Run " + run.runId() + ": CLEANUP by MANUAL (dashboard)");
        assertThat(ui.longestFxStallMillis()).isLessThan(100);
    }

    @Test
    void cancelMidRunStopsAfterTheBatchInFlightAndKeepsWhatWasDeleted(TestDatabase db) throws Exception {
        int rows = 100_000;
        open(db, "ui_cancel_events", rows, 0, Map.of("maintenance.batch-target", "5ms"));
        ExpiringTable.slowDeletes(db, "ui_cancel_events");
        ui.clickOn("#cleanup-button");
        ui.until(() -> previewRow("public.ui_cancel_events") != null);

        ui.clickOn("#cleanup-confirm");
        ui.until(() -> progressValue() > 0);
        double first = progressValue();
        ui.until(() -> progressValue() > first);
        ui.clickOn("#cleanup-cancel");
        ui.until(() -> text("#cleanup-result").contains("was cancelled"));

        long left = count("SELECT count(*) FROM ui_cancel_events");
        assertThat(left).isBetween(1L, rows - 1L);
        assertThat(text("#cleanup-result")).contains(String.format(Locale.ROOT, "after %,d of %,d rows", rows - left, rows));
        ui.until(() -> latestRun("CLEANUP", "CANCELLED"));
        RunRow run = ui.onFx(() -> history().get(0));
        assertThat(run.outcome()).isEqualTo("CANCELLED");
        assertThat(run.rows()).isEqualTo(rows - left);
        assertThat(ui.context.maintenance().activeRunId()).isEmpty();
        assertThat(ui.longestFxStallMillis()).isLessThan(100);
    }

    @Test
    void vacuumOfAChosenTableRunsAndReportsAndFullShowsTheGuardsWarningFirst(TestDatabase db) throws Exception {
        open(db, "ui_vacuum_events", 10_000, 0, Map.of());
        sql("DELETE FROM ui_vacuum_events WHERE id % 2 = 0");
        ui.until(() -> vacuumCell("public.ui_vacuum_events") != null);

        ui.clickOn(vacuumCell("public.ui_vacuum_events"));
        assertThat(ui.onFx(() -> ui.node("#vacuum-run", javafx.scene.control.Button.class).getText())).isEqualTo("VACUUM (ANALYZE) 1 table(s)");
        ui.clickOn("#vacuum-run");
        ui.until(() -> !text("#vacuum-result").isEmpty());
        assertThat(text("#vacuum-result")).contains("public.ui_vacuum_events:", "dead rows 5,000 → 0", "returned to the quota");
        ui.until(() -> latestRun("VACUUM", "SUCCEEDED"));
        long plainRun = ui.onFx(() -> history().get(0).runId());

        assertThat(ui.onFx(() -> ui.node("#vacuum-full-warning", Label.class).isVisible())).isFalse();
        ui.clickOn("#vacuum-full");
        ui.until(() -> ui.node("#vacuum-full-warning", Label.class).isVisible());
        assertThat(text("#vacuum-full-warning")).contains("ACCESS EXCLUSIVE lock", "room for a complete copy", "Free now:");
        ui.clickOn("#vacuum-run");
        ui.until(() -> text("#vacuum-result").startsWith("VACUUM FULL public.ui_vacuum_events:"));
        ui.until(() -> latestRun("VACUUM", "SUCCEEDED") && history().get(0).runId() != plainRun);
        assertThat(ui.longestFxStallMillis()).isLessThan(100);
    }

    @Test
    void vacuumFullIsRefusedWithTheReasonWhenTheQuotaHasNoRoomForACopy(TestDatabase db) throws Exception {
        open(db, "ui_full_events", 20_000, 0, Map.of("limits.storage-quota", "1MB"));
        ui.until(() -> vacuumCell("public.ui_full_events") != null);
        ui.clickOn(vacuumCell("public.ui_full_events"));
        ui.clickOn("#vacuum-full");

        assertThat(text("#vacuum-full-warning")).contains("It will be refused for public.ui_full_events");
        ui.clickOn("#vacuum-run");
        ui.until(() -> !text("#vacuum-result").isEmpty());

        assertThat(text("#vacuum-result")).contains("VACUUM FULL of public.ui_full_events refused", "needs room for a copy of",
                "of the 1 MB quota is free");
        ui.until(() -> latestRun("VACUUM", "FAILED"));
    }

    @Test
    void healthCheckNowAndScheduleAreShown(TestDatabase db) throws Exception {
        open(db, "ui_health_events", 10, 0, Map.of());

        ui.clickOn("#health-run");
        ui.until(() -> !text("#health-result").isEmpty());

        assertThat(text("#health-result")).contains("of 10 GB", "day(s) ahead");
        assertThat(text("#schedule-status")).startsWith("Not running in this instance");
        ui.until(() -> latestRun("HEALTH", "SUCCEEDED"));
        assertThat(ui.longestFxStallMillis()).isLessThan(100);
    }

    // ---- lookups (on the FX thread) -----------------------------------------------------------------------

    private String text(String query) {
        return ui.onFx(() -> ui.node(query, Label.class).getText());
    }

    private double progressValue() {
        return ui.onFx(() -> ui.node("#cleanup-progress", ProgressBar.class).getProgress());
    }

    /** Every value the progress bar shows from now on. */
    private List<Double> recordProgress() {
        List<Double> values = new CopyOnWriteArrayList<>();
        ui.onFx(() -> {
            ui.node("#cleanup-progress", ProgressBar.class).progressProperty().addListener((obs, old, now) -> values.add(now.doubleValue()));
            return null;
        });
        return values;
    }

    @SuppressWarnings("unchecked")
    private PreviewRow previewRow(String table) {
        return ((TableView<PreviewRow>) ui.node("#preview-table", TableView.class)).getItems().stream()
                .filter(r -> r.table().equals(table)).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private List<RunRow> history() {
        return new ArrayList<>(((TableView<RunRow>) ui.node("#history-table", TableView.class)).getItems());
    }

    /** The history's newest run is of this kind and outcome (the history reloads just after a run ends). */
    private boolean latestRun(String kind, String outcome) {
        List<RunRow> runs = history();
        return !runs.isEmpty() && runs.get(0).kind().equals(kind) && runs.get(0).outcome().equals(outcome);
    }

    @SuppressWarnings("unchecked")
    private DetailRow detailsOf(String table) {
        return ((TableView<DetailRow>) ui.node("#run-details-table", TableView.class)).getItems().stream()
                .filter(r -> r.table().equals(table)).findFirst().orElse(null);
    }

    /** The list cell showing a table in the VACUUM chooser, or null while the list does not show it. */
    private Node vacuumCell(String table) {
        return ui.onFx(() -> ui.robot.from(ui.node("#vacuum-tables", ListView.class)).lookup(".list-cell")
                .match((ListCell<VacuumTarget> cell) -> cell.getItem() != null && cell.getItem().name().equals(table))
                .tryQuery().orElse(null));
    }

    /** A cell of a table view whose text is exactly {@code text}. */
    private Node cellOf(String tableQuery, String text) {
        return ui.onFx(() -> ui.robot.from(ui.node(tableQuery, TableView.class)).lookup(".table-cell")
                .match((javafx.scene.control.TableCell<?, ?> cell) -> text.equals(cell.getText())).query());
    }

    private void sql(String... statements) {
        ExpiringTable.sql(testDb, statements);
    }

    private long count(String query) {
        return ExpiringTable.count(testDb, query);
    }
}
