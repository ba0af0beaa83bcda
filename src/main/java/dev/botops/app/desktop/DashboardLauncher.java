package dev.botops.app.desktop;

import dev.botops.app.AppContext;
import dev.botops.app.OrderlyShutdown;
import dev.botops.concurrent.Threads;
import dev.botops.config.Settings;
import dev.botops.ui.AppIcons;
import dev.botops.ui.common.FxTaskExecutor;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts JavaFX without an {@code Application} subclass (so no static hand-off of the context is needed),
 * builds the services on a background thread, and shows the window. Closing the window, SIGTERM and Ctrl-C
 * take the same stop path ({@link OrderlyShutdown}, as {@code serve} does): the window closes, the screens stop
 * listening, the services close in order (embedded PostgreSQL last), and the process exits with status 0.
 */
public final class DashboardLauncher {
    /** How long stopping waits for the FX thread to hide the window (it must not hang on a stalled FX thread). */
    private static final Duration WINDOW_CLOSE_WAIT = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(DashboardLauncher.class);

    private DashboardLauncher() {
    }

    public static int run(Settings settings) {
        AtomicReference<Stage> window = new AtomicReference<>();
        AtomicReference<Dashboard> shown = new AtomicReference<>();
        OrderlyShutdown shutdown = OrderlyShutdown.install();
        shutdown.takeSignals();
        shutdown.beforeClosing(() -> closeWindow(window.get()));
        shutdown.beforeClosing(() -> {
            Dashboard dashboard = shown.get();
            if (dashboard != null) {
                dashboard.close();
            }
        });
        Platform.setImplicitExit(false);
        FxTaskExecutor tasks = new FxTaskExecutor(2);
        Platform.startup(() -> {
            Label title = new Label("BotOps Console");
            title.setStyle("-fx-font-size: 20px; -fx-font-weight: bold;");
            Label status = new Label("Starting services (the first start initialises the embedded database)…");
            VBox root = new VBox(10, title, status);
            root.setPadding(new Insets(20));
            Stage stage = new Stage();
            stage.setTitle("BotOps Console");
            AppIcons.applyTo(stage);
            stage.setScene(new Scene(root, 720, 420));
            stage.setOnCloseRequest(e -> {
                status.setText("Stopping services…");
                if (shown.get() != null) {
                    shown.get().model().showStatus("Stopping services…");
                }
                new Thread(shutdown::stop, "botops-stop").start();
            });
            window.set(stage);
            stage.show();

            Threads.daemon("botops-start").newThread(() -> start(settings, shutdown, tasks, stage, status, shown)).start();
        });
        try {
            shutdown.awaitStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The window's close or a signal stopped everything: the process ends with this method's status, not the hook's.
        shutdown.release();
        tasks.close();
        Platform.exit();
        return 0;
    }

    private static void start(Settings settings, OrderlyShutdown shutdown, FxTaskExecutor tasks, Stage stage, Label status,
            AtomicReference<Dashboard> shown) {
        AppContext ctx;
        try {
            ctx = AppContext.start(settings);
        } catch (RuntimeException e) {
            shutdown.startFailed();
            log.error("Start failed: {}", e.getMessage(), e);
            Platform.runLater(() -> status.setText("Start failed: " + e.getMessage()));
            return;
        }
        shutdown.started(ctx);
        if (shutdown.stopping()) {
            // Stopping began while the services started; if it gave up waiting for them, they close here.
            ctx.close();
            return;
        }
        ctx.startBackgroundServices();
        Platform.runLater(() -> {
            if (shutdown.stopping()) {
                return;
            }
            long building = System.nanoTime();
            Dashboard dashboard = new Dashboard(ctx, tasks);
            shown.set(dashboard);
            logWhenLaidOut(stage.getScene(), building);
            stage.getScene().setRoot(dashboard.root());
            stage.setMinWidth(Dashboard.MIN_WIDTH);
            stage.setMinHeight(Dashboard.MIN_HEIGHT);
            stage.setWidth(1280);
            stage.setHeight(820);
            stage.centerOnScreen();
            log.info("Dashboard shown; connected to {}", ctx.database().target().display());
        });
    }

    /**
     * Logs once the dashboard's first layout pass is done (the first one styles every screen, seconds on a cold JVM
     * and a slow machine): from then on the FX thread answers, e.g. a stop's request to close the window.
     */
    private static void logWhenLaidOut(Scene scene, long since) {
        Runnable once = new Runnable() {
            private boolean logged;

            @Override
            public void run() {
                if (logged) {
                    return;
                }
                logged = true;
                log.info("Dashboard ready: first layout done in {} ms", (System.nanoTime() - since) / 1_000_000);
                // Not removed inside the pulse that calls it.
                Platform.runLater(() -> scene.removePostLayoutPulseListener(this));
            }
        };
        scene.addPostLayoutPulseListener(once);
    }

    /** Hides the window on the FX thread, waiting a bounded time (a signal's stop must not hang on it). */
    private static void closeWindow(Stage stage) {
        if (stage == null) {
            return;
        }
        CountDownLatch hidden = new CountDownLatch(1);
        try {
            Platform.runLater(() -> {
                stage.hide();
                hidden.countDown();
            });
            if (hidden.await(WINDOW_CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.info("Window closed");
            } else {
                log.warn("The window did not close within {} ms; stopping the services anyway", WINDOW_CLOSE_WAIT.toMillis());
            }
        } catch (IllegalStateException toolkitGone) {
            log.info("The window is already gone (JavaFX has stopped)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
