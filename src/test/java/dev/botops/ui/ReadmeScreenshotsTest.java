package dev.botops.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.Screenshots;
import dev.botops.testing.TestDatabase;
import dev.botops.ui.overview.ChartRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import dev.botops.ui.maintenance.RunRow;
import javafx.scene.Node;
import javafx.scene.control.TableView;
import javafx.scene.control.Label;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The README's screenshots, with real (demo) data: a fresh database, the app as the dashboard starts it (bot
 * in the sandbox), demo data loaded with the Overview's button, its cleanup previewed and confirmed on the
 * Maintenance screen, the simulated users chatting for a while. Rerun with {@code mvn verify -Pscreenshots}; writes {@code docs/screenshots/*.png}.
 */
@Tag("screenshots")
@ExtendWith(PostgresExtension.class)
class ReadmeScreenshotsTest {
    private static final Logger log = LoggerFactory.getLogger(ReadmeScreenshotsTest.class);
    private static final Path OUT = Path.of("docs", "screenshots");

    private final FxRobot robot = new FxRobot();

    @Test
    void writeDashboardScreenshots(TestDatabase db) throws Exception {
        try (DashboardHarness harness = DashboardHarness.open(db.settings(Map.of(
                "app.data-dir", Files.createTempDirectory("botops-screens").toString(),
                "maintenance.scheduler-enabled", "false")), true, 1280, 900)) {

            robot.clickOn("#demo-load");
            await().atMost(Duration.ofMinutes(2)).until(() -> harness.dashboard().overview().demoInstalled().get());
            // The demo data's cleanup through the Maintenance screen, as an operator does it: the dry-run preview
            // (the screenshot, with the preview's run selected in the history), then the confirmed run.
            show(harness, "Maintenance");
            previewCleanup();
            saveTall(harness, "maintenance.png", 1400);
            robot.clickOn("#cleanup-confirm");
            await().atMost(Duration.ofMinutes(2)).until(() -> !text("#cleanup-result").isEmpty());
            log.info("Cleanup of the demo data: {}", text("#cleanup-result"));
            show(harness, "Overview");
            // The simulated users keep chatting: wait until the bot tile has measured their rate.
            await().atMost(Duration.ofMinutes(2)).until(() -> text("#tile-bot-caption").contains("updates/min")
                    && !text("#tile-bot-caption").startsWith("measuring")
                    && text("#tile-maintenance-value").equals("Succeeded"));
            WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(() -> harness.dashboard().overview().selectRange(ChartRange.MONTH)));
            await().atMost(Duration.ofSeconds(30)).until(() -> !harness.dashboard().overview().loading().get()
                    && harness.dashboard().overview().sizeSeries().size() > 100);
            WaitForAsyncUtils.waitForFxEvents();

            save(harness, "overview.png");
            show(harness, "Tables");
            save(harness, "tables.png");
            assertThat(OUT.resolve("overview.png")).exists();
        }
    }

    private String text(String query) {
        return robot.lookup(query).queryAs(Label.class).getText();
    }

    private void show(DashboardHarness harness, String title) {
        Node button = robot.lookup("#nav-" + title.toLowerCase(Locale.ROOT)).query();
        robot.clickOn(button);
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Clicks Cleanup and waits for the preview; shows the preview's dry run in the history with its details. */
    @SuppressWarnings("unchecked")
    private void previewCleanup() {
        robot.clickOn("#cleanup-button");
        await().atMost(Duration.ofMinutes(2)).until(() -> text("#preview-summary").contains("expired rows"));
        TableView<RunRow> history = robot.lookup("#history-table").queryAs(TableView.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> WaitForAsyncUtils.asyncFx(() -> !history.getItems().isEmpty()
                && history.getItems().get(0).kind().equals("CLEANUP (dry run)")).get());
        WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(() -> {
            history.getSelectionModel().select(0);
            return null;
        }));
        await().atMost(Duration.ofSeconds(30)).until(() -> text("#run-summary").startsWith("Run "));
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Saves the window's content at a taller size than the screen. */
    private static void saveTall(DashboardHarness harness, String name, int height) throws Exception {
        WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(() -> {
            Screenshots.saveResized(harness.scene(), harness.scene().getWidth(), height, OUT.resolve(name));
            return null;
        }));
        log.info("Wrote {}", OUT.resolve(name).toAbsolutePath());
    }

    private static void save(DashboardHarness harness, String name) throws Exception {
        WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(() -> {
            Screenshots.save(harness.scene(), OUT.resolve(name));
            return null;
        }));
        log.info("Wrote {}", OUT.resolve(name).toAbsolutePath());
    }
}
