package dev.botops.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.app.AppContext;
import dev.botops.monitor.Alert;
import dev.botops.monitor.AlertRules;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.Severity;
import dev.botops.testing.FxWatchdog;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import dev.botops.ui.common.Formats;
import dev.botops.ui.tables.TableRow;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.StackedBarChart;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.Clipboard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Issue 7 acceptance, part A (TestFX headless, real PostgreSQL): every screen shows the monitor's figures (1),
 * VACUUM from the Tables screen runs and reports (3), shrinking the quota in Settings raises the storage alert
 * and the banner and raising it clears both (4), and the FX thread is never blocked for 100 ms (8). The
 * monitor runs with a one-hour interval, so only the test's own refreshes change the figures it compares.
 */
@ExtendWith(PostgresExtension.class)
class DashboardScreensUiTest {
    private static final Logger log = LoggerFactory.getLogger(DashboardScreensUiTest.class);
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final FxRobot robot = new FxRobot();
    private DashboardHarness harness;
    private AppContext context;
    private FxWatchdog watchdog;
    private TestDatabase db;

    @BeforeEach
    void open(TestDatabase db) throws Exception {
        this.db = db;
        sql("DELETE FROM alerts");
        harness = DashboardHarness.open(db.settings(Map.of("app.data-dir", Files.createTempDirectory("botops-ui").toString(),
                "monitor.interval", "1h", "maintenance.scheduler-enabled", "false")), false);
        context = harness.context();
        watchdog = new FxWatchdog();
    }

    @AfterEach
    void close() throws Exception {
        watchdog.close();
        harness.close();
    }

    private DatabaseSnapshot latest() {
        return context.monitor().latest().orElseThrow();
    }

    private String text(String query) {
        return robot.lookup(query).queryAs(Label.class).getText();
    }

    @Test
    void overviewTilesShowTheMonitorsSnapshot() {
        DatabaseSnapshot snapshot = latest();

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(text("#tile-size-value")).isEqualTo(Formats.bytes(snapshot.storage().databaseBytes()));
            assertThat(text("#tile-size-caption")).isEqualTo("of " + Formats.bytes(snapshot.storage().quotaBytes()) + " quota · "
                    + Formats.percent(snapshot.storage().percentUsed()));
            assertThat(text("#tile-connections-value")).isEqualTo(snapshot.connections().total() + " of "
                    + snapshot.connections().limit().usable());
            assertThat(text("#tile-bot-value")).isEqualTo("Stopped");
            assertThat(text("#tile-maintenance-value")).isEqualTo("No runs yet");
            assertThat(text("#tile-forecast")).startsWith("Not enough history to forecast yet");
        });
        LineChart<?, ?> size = robot.lookup("#chart-size").queryAs(LineChart.class);
        await().atMost(WAIT).untilAsserted(() -> assertThat(size.getData().get(0).getData()).isNotEmpty());
        StackedBarChart<?, ?> tables = robot.lookup("#chart-tables").queryAs(StackedBarChart.class);
        assertThat(tables.getData().get(0).getData()).hasSize(Math.min(10, (int) snapshot.tables().stream()
                .map(t -> t.partitionOf() != null ? t.partitionOf() : t.displayName()).distinct().count()));
        assertFxThreadNeverBusy100ms();
    }

    @Test
    void rangeSelectorLoadsPersistedHistory() {
        robot.clickOn("#range-24h");

        LineChart<?, ?> size = robot.lookup("#chart-size").queryAs(LineChart.class);
        await().atMost(WAIT).untilAsserted(() -> assertThat(size.getData().get(0).getData()).isNotEmpty());
        assertThat(harness.dashboard().overview().range().get().label()).isEqualTo("24 h");
        assertFxThreadNeverBusy100ms();
    }

    @Test
    void tablesScreenListsEveryTableOfTheSnapshotWithItsRetention() {
        DatabaseSnapshot snapshot = latest();

        robot.clickOn("#nav-tables");

        TableView<TableRow> table = robot.lookup("#tables-table").queryTableView();
        await().atMost(WAIT).untilAsserted(() -> assertThat(table.getItems()).hasSize(snapshot.tables().size()));
        var trades = snapshot.tables().stream().filter(t -> t.displayName().equals("botops.trades")).findFirst().orElseThrow();
        TableRow tradesRow = table.getItems().stream().filter(r -> r.name().equals("botops.trades")).findFirst().orElseThrow();
        assertThat(tradesRow.totalBytes()).isEqualTo(trades.totalBytes());
        assertThat(tradesRow.retention()).isEqualTo("kept (disabled)");
        assertThat(table.getItems().stream().filter(r -> "botops.message_log".equals(r.partitionOf())))
                .isNotEmpty().allSatisfy(r -> assertThat(r.retention()).isEqualTo("30d, partition drop"));

        // A name cell carries the full name in its tooltip (a long one is cut in the middle on screen).
        await().atMost(WAIT).untilAsserted(() -> assertThat(robot.lookup("#tables-table .table-cell").<TableCell<?, ?>>queryAll())
                .filteredOn(cell -> "botops.trades".equals(cell.getText()))
                .singleElement().satisfies(cell -> assertThat(cell.getTooltip().getText()).isEqualTo("botops.trades")));

        robot.clickOn("#tables-filter").write("price_ticks");
        await().atMost(WAIT).untilAsserted(() -> assertThat(table.getItems()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.name()).contains("price_ticks")));
        assertFxThreadNeverBusy100ms();
    }

    @Test
    void vacuumFromTheTablesScreenRunsAndReports() {
        sql("CREATE TABLE scratch (id int PRIMARY KEY, note text)",
                "INSERT INTO scratch SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g",
                "DELETE FROM scratch WHERE id % 2 = 0");
        context.monitor().refreshNow();
        robot.clickOn("#nav-tables");
        TableView<TableRow> table = robot.lookup("#tables-table").queryTableView();
        await().atMost(WAIT).until(() -> table.getItems().stream().anyMatch(r -> r.name().equals("public.scratch")));

        robot.clickOn("#tables-filter").write("scratch");
        robot.interact(() -> table.getSelectionModel().select(0));
        robot.clickOn("#tables-vacuum");

        await().atMost(WAIT).untilAsserted(() -> assertThat(text("#tables-message"))
                .startsWith("VACUUM (ANALYZE) public.scratch done: table ").contains("back to the quota"));
        assertThat(queryLong("SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'scratch' AND last_vacuum IS NOT NULL"
                + " AND last_analyze IS NOT NULL")).isEqualTo(1);
        assertThat(queryLong("SELECT count(*) FROM maintenance_runs WHERE kind = 'VACUUM' AND caller = 'dashboard'"
                + " AND outcome = 'SUCCEEDED'")).isEqualTo(1);
        assertFxThreadNeverBusy100ms();
    }

    @Test
    void alertsScreenShowsActiveAndPastAlertsWithACopyableHint() {
        context.alerts().raise("long-query", Severity.WARNING, "A query has been running for 5 min.", "SELECT pg_cancel_backend(42);");
        context.alerts().raise("connections", Severity.WARNING, "Too many connections.", "");
        context.alerts().resolve("connections");

        robot.clickOn("#nav-alerts");

        TableView<Alert> active = robot.lookup("#alerts-active").queryTableView();
        TableView<Alert> past = robot.lookup("#alerts-past").queryTableView();
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(active.getItems()).extracting(Alert::ruleId).containsExactly("long-query");
            assertThat(past.getItems()).extracting(Alert::ruleId).containsExactly("connections");
        });
        robot.interact(() -> active.getSelectionModel().select(0));
        assertThat(robot.lookup("#alert-hint").queryAs(TextArea.class).getText()).isEqualTo("SELECT pg_cancel_backend(42);");
        robot.clickOn("#alert-copy-hint");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(text("#alerts-message")).isEqualTo("Copied the hint to the clipboard.");
        String clipboard = WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(() -> Clipboard.getSystemClipboard().getString()));
        assertThat(clipboard).isEqualTo("SELECT pg_cancel_backend(42);");
        assertFxThreadNeverBusy100ms();
    }

    @Test
    void shrinkingTheQuotaRaisesTheStorageAlertAndBannerAndRaisingItClearsThem() {
        Label banner = robot.lookup("#critical-banner").queryAs(Label.class);
        assertThat(banner.isVisible()).isFalse();

        saveQuota("1MB");

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(context.alerts().active(AlertRules.STORAGE)).map(Alert::severity).contains(Severity.CRITICAL);
            assertThat(banner.isVisible()).isTrue();
            assertThat(banner.getText()).startsWith("⚠ CRITICAL: The database uses").contains("of the 1 MB storage quota");
        });

        saveQuota("10GB");

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(context.alerts().active(AlertRules.STORAGE)).isEmpty();
            assertThat(banner.isVisible()).isFalse();
        });
        assertFxThreadNeverBusy100ms();
    }

    /**
     * Acceptance 8: the FX thread was never blocked for 100 ms by the UI's own work, locks or I/O (the stall
     * less CPU-queue waits and GC pauses). The wall-clock stall (logged) also counts time the thread only
     * waited for a CPU; on a loaded two-core machine that alone can pass 100 ms.
     */
    private void assertFxThreadNeverBusy100ms() {
        log.info("FX thread: longest stall {} ms (wall clock), {} ms less CPU waits and GC", watchdog.maxBlockMillis(),
                watchdog.maxBusyMillis());
        assertThat(watchdog.maxBusyMillis()).as(watchdog::longestStall).isLessThan(100);
    }

    private void saveQuota(String quota) {
        robot.clickOn("#nav-settings");
        TextField field = robot.lookup("#setting-limits-storage-quota").queryAs(TextField.class);
        robot.interact(() -> field.setText(quota));
        robot.clickOn("#settings-save");
    }

    private void sql(String... statements) {
        try (Connection c = db.admin().getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private long queryLong(String query) {
        try (Connection c = db.admin().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
