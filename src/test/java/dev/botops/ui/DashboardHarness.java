package dev.botops.ui;

import dev.botops.app.AppContext;
import dev.botops.config.Settings;
import dev.botops.ui.common.FxTaskExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.awaitility.Awaitility;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** A real app context with the dashboard on TestFX's headless stage, as the UI tests, screenshots and benchmarks use it. */
public final class DashboardHarness implements AutoCloseable {
    public static final int WIDTH = 1280;
    public static final int HEIGHT = 820;

    private final AppContext context;
    private final FxTaskExecutor tasks = new FxTaskExecutor(2);
    private Dashboard dashboard;
    private Stage stage;

    private DashboardHarness(AppContext context) {
        this.context = context;
    }

    /**
     * Starts the services and waits for the monitor's first snapshot, then shows the dashboard.
     *
     * @param allBackgroundServices true: monitor, bot (sandbox) and schedule as the app starts them; false: the monitor only
     */
    public static DashboardHarness open(Settings settings, boolean allBackgroundServices) throws Exception {
        AppContext context = AppContext.start(settings);
        DashboardHarness harness = new DashboardHarness(context);
        try {
            if (allBackgroundServices) {
                context.startBackgroundServices();
            } else {
                context.monitor().start();
            }
            Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> context.monitor().latest().isPresent());
            harness.show();
        } catch (Exception | Error e) {
            harness.close();
            throw e;
        }
        return harness;
    }

    private void show() throws Exception {
        FxToolkit.registerPrimaryStage();
        stage = FxToolkit.setupStage(s -> {
            dashboard = new Dashboard(context, tasks);
            s.setScene(new Scene(dashboard.root(), WIDTH, HEIGHT));
            s.show();
        });
        // Started means every screen has been shown once with its first data, as in a user's first minute: the
        // flows a test then measures with the FX watchdog do not include the JVM's cold start (class loading,
        // JIT, first cells of each table), which the launch benchmark measures instead.
        TableView<?> tables = (TableView<?>) stage.getScene().lookup("#tables-table");
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> !tables.getItems().isEmpty());
        for (String title : dashboard.screenTitles()) {
            WaitForAsyncUtils.asyncFx(() -> dashboard.view().show(title));
            WaitForAsyncUtils.waitForFxEvents();
        }
        String first = dashboard.screenTitles().get(0);
        WaitForAsyncUtils.asyncFx(() -> dashboard.view().show(first));
        WaitForAsyncUtils.waitForFxEvents();
    }

    public AppContext context() {
        return context;
    }

    public Dashboard dashboard() {
        return dashboard;
    }

    public Scene scene() {
        return stage.getScene();
    }

    /** Closes the dashboard and the services; returns how long the services took to stop. */
    public Duration closeTimed() throws Exception {
        FxToolkit.cleanupStages();
        if (dashboard != null) {
            dashboard.close();
        }
        tasks.close();
        long started = System.nanoTime();
        context.close();
        return Duration.ofNanos(System.nanoTime() - started);
    }

    @Override
    public void close() throws Exception {
        closeTimed();
    }
}
