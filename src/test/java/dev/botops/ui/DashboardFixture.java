package dev.botops.ui;

import dev.botops.app.AppContext;
import dev.botops.app.desktop.Dashboard;
import dev.botops.testing.FxWatchdog;
import dev.botops.ui.common.FxTaskExecutor;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.ScrollPane;
import org.awaitility.Awaitility;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * A dashboard window on a running {@link AppContext}, for TestFX tests: open it, look nodes up, read their state on
 * the FX thread, wait for it, and watch the FX thread for stalls while the test clicks through a flow.
 */
final class DashboardFixture implements AutoCloseable {
    /** Within Monocle's default headless screen (1280x800): a larger window is not painted. */
    static final int WIDTH = 1200;
    static final int HEIGHT = 800;
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DashboardFixture.class);
    final FxRobot robot = new FxRobot();
    final AppContext context;
    private final FxTaskExecutor tasks = new FxTaskExecutor(2);
    private FxWatchdog watchdog;

    private DashboardFixture(AppContext context) {
        this.context = context;
    }

    /** Shows the dashboard of {@code context} (which the fixture closes) in the primary stage. */
    static DashboardFixture open(AppContext context) throws Exception {
        DashboardFixture fixture = new DashboardFixture(context);
        FxToolkit.registerPrimaryStage();
        FxToolkit.setupStage(stage -> {
            Dashboard dashboard = new Dashboard(context, fixture.tasks);
            stage.setScene(new Scene(dashboard.root(), WIDTH, HEIGHT));
            stage.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
        return fixture;
    }

    /** From now on, the FX thread's longest stall is measured. */
    void watchFxThread() {
        watchdog = new FxWatchdog();
    }

    /** The FX thread's longest stall caused by work on it (time spent waiting for a CPU taken off, see FxWatchdog). */
    long longestFxStallMillis() {
        return watchdog.maxBusyMillis();
    }

    /** The longest stall, wall clock, CPU waits included. */
    long longestFxStallWallMillis() {
        return watchdog.maxBlockMillis();
    }

    <T extends Node> T node(String query, Class<T> type) {
        return robot.lookup(query).queryAs(type);
    }

    /** Scrolls the node into view (as the operator would) and clicks it. */
    void clickOn(String query) {
        clickOn(robot.lookup(query).query());
    }

    void clickOn(Node node) {
        onFx(() -> {
            scrollIntoView(node);
            return null;
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn(node);
    }

    /** Scrolls the enclosing scroll pane, if any, when the node is not wholly in view (as the operator would). */
    private static void scrollIntoView(Node node) {
        for (Parent parent = node.getParent(); parent != null; parent = parent.getParent()) {
            if (parent instanceof ScrollPane) {
                ScrollPane pane = (ScrollPane) parent;
                Bounds viewport = pane.localToScene(pane.getLayoutBounds());
                Bounds target = node.localToScene(node.getLayoutBounds());
                if (target.getMinY() >= viewport.getMinY() && target.getMaxY() <= viewport.getMaxY()) {
                    return;
                }
                Node content = pane.getContent();
                Bounds inContent = content.sceneToLocal(target);
                double hidden = content.getBoundsInLocal().getHeight() - pane.getViewportBounds().getHeight();
                double top = Math.max(0, Math.min(1, (inContent.getMinY() - 20) / hidden));
                pane.setVvalue(pane.getVmin() + top * (pane.getVmax() - pane.getVmin()));
                pane.layout();
                return;
            }
        }
    }

    /** Reads UI state on the FX thread (directly when already on it). */
    <T> T onFx(Callable<T> read) {
        try {
            if (Platform.isFxApplicationThread()) {
                return read.call();
            }
            return WaitForAsyncUtils.asyncFx(read).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Waits until a condition on the UI holds (evaluated on the FX thread). */
    void until(BooleanSupplier condition) {
        until(Duration.ofSeconds(30), condition);
    }

    void until(Duration atMost, BooleanSupplier condition) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(() -> onFx(condition::getAsBoolean));
    }

    private void logStalls(String when) {
        log.info("FX thread {}: longest stall {} ms, of which busy (not waiting for a CPU, no GC) {} ms; the busiest stall: {}", when,
                watchdog.maxBlockMillis(), watchdog.maxBusyMillis(), watchdog.longestStall());
    }

    @Override
    public void close() throws Exception {
        if (watchdog != null) {
            watchdog.close();
            logStalls("during the test");
        }
        FxToolkit.cleanupStages();
        tasks.close();
        context.close();
    }
}
