package dev.botops.ui;

import dev.botops.app.AppContext;
import dev.botops.app.desktop.Dashboard;
import dev.botops.config.Settings;
import dev.botops.ui.common.FxTaskExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Label;
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
    private StartTimes startTimes;
    private Dashboard dashboard;
    private Stage stage;

    private DashboardHarness(AppContext context) {
        this.context = context;
    }

    /**
     * How long each step of {@link #open} took: the services (database, migrations), the background services,
     * building and showing the dashboard, and from then until the Overview's first figures were laid out.
     */
    public record StartTimes(Duration services, Duration background, Duration shown, Duration firstFigures) {
    }

    /**
     * Starts the services, shows the dashboard and waits until the Overview shows the first snapshot's figures,
     * then shows every screen once (see {@link #show}).
     *
     * @param allBackgroundServices true: monitor, bot (sandbox) and schedule as the app starts them; false: the monitor only
     */
    public static DashboardHarness open(Settings settings, boolean allBackgroundServices) throws Exception {
        return open(settings, allBackgroundServices, WIDTH, HEIGHT);
    }

    /** As {@link #open(Settings, boolean)}, with a window of the given size. */
    public static DashboardHarness open(Settings settings, boolean allBackgroundServices, int width, int height) throws Exception {
        long start = System.nanoTime();
        AppContext context = AppContext.start(settings);
        long services = System.nanoTime();
        DashboardHarness harness = new DashboardHarness(context);
        try {
            if (allBackgroundServices) {
                context.startBackgroundServices();
            } else {
                context.monitor().start();
            }
            long background = System.nanoTime();
            harness.show(width, height);
            long shown = System.nanoTime();
            Label size = (Label) harness.scene().lookup("#tile-size-value");
            Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> !"—".equals(size.getText()));
            WaitForAsyncUtils.waitForFxEvents();
            long figures = System.nanoTime();
            harness.startTimes = new StartTimes(Duration.ofNanos(services - start), Duration.ofNanos(background - services),
                    Duration.ofNanos(shown - background), Duration.ofNanos(figures - shown));
            harness.warmUp();
        } catch (Exception | Error e) {
            harness.close();
            throw e;
        }
        return harness;
    }

    public StartTimes startTimes() {
        return startTimes;
    }

    private void show(int width, int height) throws Exception {
        FxToolkit.registerPrimaryStage();
        stage = FxToolkit.setupStage(s -> {
            dashboard = new Dashboard(context, tasks);
            s.setScene(new Scene(dashboard.root(), width, height));
            // The primary stage is shared by the UI tests of a JVM: one that resized it must not leave its size here.
            s.setWidth(width);
            s.setHeight(height);
            s.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void warmUp() throws Exception {
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
