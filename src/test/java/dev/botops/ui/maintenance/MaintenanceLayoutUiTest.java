package dev.botops.ui.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.Screenshots;
import dev.botops.testing.TestDatabase;
import dev.botops.ui.DashboardHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javafx.scene.Node;
import javafx.scene.control.ButtonBase;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
import javafx.scene.text.Text;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The demo's first cleanup on the Maintenance screen at 1280x800 (headless, real PostgreSQL, the bot in the sandbox):
 * the preview and the result tables read in full, every header and every cell. The screen is also written to
 * {@code target/layout/} to look at.
 */
@ExtendWith(PostgresExtension.class)
class MaintenanceLayoutUiTest {
    private static final Path SHOTS = Path.of("target", "layout");

    private static DashboardHarness harness;
    /** What the preview table showed, read before the confirmed run replaced it. */
    private static List<String[]> previewShown;

    @BeforeAll
    static void cleanUpTheDemoData(TestDatabase db) throws Exception {
        harness = DashboardHarness.open(db.settings(Map.of("app.data-dir", Files.createTempDirectory("botops-layout").toString(),
                "maintenance.scheduler-enabled", "false")), true, 1280, 800);
        // The buttons are fired rather than clicked: this test is about the layout, and a robot's click can be lost
        // on a busy machine.
        press("#demo-load");
        await().atMost(Duration.ofMinutes(2)).until(() -> harness.dashboard().overview().demoInstalled().get());
        press("#nav-maintenance");
        press("#cleanup-button");
        await().atMost(Duration.ofMinutes(2)).until(() -> !onFx(() -> table("#preview-table").getItems().isEmpty()));
        WaitForAsyncUtils.waitForFxEvents();
        save("maintenance-preview-1280x800.png");
        previewShown = shown("#preview-table");
        press("#cleanup-confirm");
        await().atMost(Duration.ofMinutes(2)).until(() -> !onFx(() -> table("#cleanup-result-table").getItems().isEmpty()));
        WaitForAsyncUtils.waitForFxEvents();
        save("maintenance-result-1280x800.png");
    }

    @AfterAll
    static void close() throws Exception {
        harness.close();
    }

    @Test
    void theCleanupPreviewReadsInFullAt1280x800() {
        assertReadInFull("#preview-table", previewShown);
    }

    @Test
    void theCleanupResultReadsInFullAt1280x800() throws Exception {
        assertThat(onFx(() -> ((Label) harness.scene().lookup("#cleanup-result")).getText())).contains("deleted");

        assertReadInFull("#cleanup-result-table", shown("#cleanup-result-table"));
    }

    @Test
    void theDemoCleanupDroppedWholeDaysAndGaveSpaceBack() throws Exception {
        List<DetailRow> rows = onFx(() -> List.copyOf(MaintenanceLayoutUiTest.<DetailRow>table("#cleanup-result-table").getItems()));

        assertThat(rows).filteredOn(r -> r.table().endsWith(".price_ticks")).singleElement().satisfies(r -> {
            assertThat(r.partitions()).endsWith("dropped");
            assertThat(r.quota()).as("back to the quota").matches("[0-9.]+ [KMG]?B");
        });
    }

    /** Every column header and every cell of the table shows its whole text (no "…"). */
    private static void assertReadInFull(String query, List<String[]> shown) {
        assertThat(shown).hasSizeGreaterThan(5);
        for (String[] texts : shown) {
            assertThat(texts[1]).as("what %s shows of \"%s\"", query, texts[0]).isEqualTo(texts[0]);
        }
    }

    /** The texts of the table's headers and cells, each with what the screen shows of it. */
    private static List<String[]> shown(String query) throws Exception {
        return onFx(() -> {
            List<String[]> texts = new ArrayList<>();
            TableView<?> table = table(query);
            for (Node node : table.lookupAll(".column-header .label")) {
                texts.add(rendered((Labeled) node));
            }
            for (Node node : table.lookupAll(".table-cell")) {
                Labeled cell = (Labeled) node;
                if (cell.getText() != null && !cell.getText().isEmpty() && cell.isVisible()) {
                    texts.add(rendered(cell));
                }
            }
            return texts;
        });
    }

    private static String[] rendered(Labeled labeled) {
        Text text = (Text) labeled.lookup(".text");
        return new String[] {labeled.getText(), text == null ? "" : text.getText()};
    }

    @SuppressWarnings("unchecked")
    private static <T> TableView<T> table(String query) {
        return (TableView<T>) harness.scene().lookup(query);
    }

    private static void press(String query) throws Exception {
        onFx(() -> {
            ((ButtonBase) harness.scene().lookup(query)).fire();
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static void save(String name) throws Exception {
        onFx(() -> {
            Screenshots.save(harness.scene(), SHOTS.resolve(name));
            return null;
        });
    }

    private static <T> T onFx(Callable<T> read) throws Exception {
        return WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(read));
    }
}
