package dev.botops.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.app.AppContext;
import dev.botops.app.desktop.Dashboard;
import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import dev.botops.config.SettingsLoader;
import dev.botops.testing.FxWatchdog;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import dev.botops.ui.common.FxTaskExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

@ExtendWith(PostgresExtension.class)
class DashboardUiTest {
    private final FxRobot robot = new FxRobot();
    private AppContext context;
    private FxTaskExecutor tasks;
    private FxWatchdog watchdog;
    private Path dataDir;
    private TestDatabase db;

    @BeforeEach
    void start(TestDatabase db) throws Exception {
        this.db = db;
        dataDir = Files.createTempDirectory("botops-ui");
        FxToolkit.registerPrimaryStage();
        openDashboard(db.settings(Map.of("app.data-dir", dataDir.toString())));
        watchdog = new FxWatchdog();
    }

    private void openDashboard(Settings settings) throws Exception {
        context = AppContext.start(settings);
        tasks = new FxTaskExecutor(2);
        FxToolkit.setupStage(stage -> {
            Dashboard dashboard = new Dashboard(context, tasks);
            stage.setScene(new Scene(dashboard.root(), 1200, 800));
            stage.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void closeDashboard() throws Exception {
        FxToolkit.cleanupStages();
        tasks.close();
        context.close();
    }

    @AfterEach
    void stop() throws Exception {
        watchdog.close();
        closeDashboard();
    }

    @Test
    void invalidSettingsShowFieldErrorsAndAreNotSaved() {
        robot.clickOn("#nav-settings");
        TextField quota = robot.lookup("#setting-limits-storage-quota").queryAs(TextField.class);
        robot.interact(() -> quota.setText("lots"));
        robot.clickOn("#settings-save");
        WaitForAsyncUtils.waitForFxEvents();
        Label error = robot.lookup("#error-limits-storage-quota").queryAs(Label.class);
        assertThat(error.getText()).contains("limits.storage-quota").contains("'lots'");
        assertThat(context.settingsStore().file()).doesNotExist();
        assertThat(context.liveSettings().current().bytes(ConfigKey.STORAGE_QUOTA)).isEqualTo(10L << 30);
        assertThat(watchdog.maxBusyMillis()).as(watchdog::longestStall).isLessThan(100);
    }

    @Test
    void validSettingsAreSavedAndAppliedLive() {
        robot.clickOn("#nav-settings");
        TextField quota = robot.lookup("#setting-limits-storage-quota").queryAs(TextField.class);
        robot.interact(() -> quota.setText("5GB"));
        robot.clickOn("#settings-save");
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() ->
                context.liveSettings().current().bytes(ConfigKey.STORAGE_QUOTA) == 5L << 30);
        assertThat(context.settingsStore().file()).content().contains("limits.storage-quota=5GB");
        assertThat(robot.lookup("#settings-message").queryAs(Label.class).getText()).contains("Saved 1 setting");
    }

    @Test
    void themeTogglePersistsAcrossRestart() throws Exception {
        robot.clickOn("#theme-toggle");
        Path file = context.settingsStore().file();
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> Files.exists(file)
                && Files.readString(file).contains("ui.theme=dark"));
        closeDashboard();

        Settings restarted = SettingsLoader.load(file, Map.of(), Map.of("database.url", db.databaseUrl(),
                "app.data-dir", dataDir.toString()));
        openDashboard(restarted);
        assertThat(context.liveSettings().current().choice(ConfigKey.UI_THEME, ConfigKey.Theme.class)).isEqualTo(ConfigKey.Theme.DARK);
        assertThat(robot.lookup("#theme-toggle").queryButton().getText()).contains("Light");
    }

}
