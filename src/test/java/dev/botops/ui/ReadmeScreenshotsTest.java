package dev.botops.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.app.AppContext;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.StartResult;
import dev.botops.maintenance.Trigger;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.Screenshots;
import dev.botops.testing.TestDatabase;
import dev.botops.ui.overview.ChartRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javafx.scene.Node;
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
 * in the sandbox), demo data loaded with the Overview's button, the simulated users chatting for a while and
 * one real cleanup run. Rerun with {@code mvn verify -Pscreenshots}; writes {@code docs/screenshots/*.png}.
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
            AppContext context = harness.context();

            robot.clickOn("#demo-load");
            await().atMost(Duration.ofMinutes(2)).until(() -> harness.dashboard().overview().demoInstalled().get());
            StartResult cleanup = context.maintenance().startCleanup(false, Trigger.MANUAL, "dashboard");
            RunReport report = cleanup.completion().get(2, TimeUnit.MINUTES);
            log.info("Cleanup of the demo data deleted {} rows", report.rowsDeleted());
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
            if (robot.lookup("#nav-maintenance").tryQuery().isPresent()) {
                show(harness, "Maintenance");
                save(harness, "maintenance.png");
            } else {
                log.warn("No Maintenance screen in this build: maintenance.png not written");
            }
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

    private static void save(DashboardHarness harness, String name) throws Exception {
        WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(() -> {
            Screenshots.save(harness.scene(), OUT.resolve(name));
            return null;
        }));
        log.info("Wrote {}", OUT.resolve(name).toAbsolutePath());
    }
}
