package dev.botops.ui;

import dev.botops.app.AppContext;
import dev.botops.config.Settings;
import dev.botops.ui.common.FxTaskExecutor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * builds the services on a background thread, and shows the window. Closing the window closes the
 * services in order, then exits.
 */
public final class DashboardLauncher {
    private static final Logger log = LoggerFactory.getLogger(DashboardLauncher.class);

    private DashboardLauncher() {
    }

    public static int run(Settings settings) {
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<AppContext> context = new AtomicReference<>();
        AtomicReference<Dashboard> shown = new AtomicReference<>();
        AtomicBoolean closing = new AtomicBoolean();
        // Ctrl-C or SIGTERM: stop the services (and the embedded PostgreSQL) in order, too.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closing.set(true);
            AppContext ctx = context.get();
            if (ctx != null) {
                ctx.close();
            }
        }, "botops-shutdown"));
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
                long closeStarted = System.nanoTime();
                closing.set(true);
                Thread stopper = new Thread(() -> {
                    Dashboard dashboard = shown.get();
                    if (dashboard != null) {
                        dashboard.close();
                    }
                    AppContext ctx = context.get();
                    if (ctx != null) {
                        ctx.close();
                    }
                    log.info("Services stopped in {} ms", (System.nanoTime() - closeStarted) / 1_000_000);
                    closed.countDown();
                }, "botops-stop");
                stopper.start();
            });
            stage.show();

            Thread starter = new Thread(() -> {
                try {
                    AppContext ctx = AppContext.start(settings);
                    context.set(ctx);
                    if (closing.get()) {
                        ctx.close();
                        return;
                    }
                    ctx.startBackgroundServices();
                    Platform.runLater(() -> {
                        Dashboard dashboard = new Dashboard(ctx, tasks);
                        shown.set(dashboard);
                        stage.getScene().setRoot(dashboard.root());
                        stage.setMinWidth(Dashboard.MIN_WIDTH);
                        stage.setMinHeight(Dashboard.MIN_HEIGHT);
                        stage.setWidth(1280);
                        stage.setHeight(820);
                        stage.centerOnScreen();
                    });
                } catch (RuntimeException e) {
                    log.error("Start failed: {}", e.getMessage(), e);
                    Platform.runLater(() -> status.setText("Start failed: " + e.getMessage()));
                }
            }, "botops-start");
            starter.setDaemon(true);
            starter.start();
        });
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tasks.close();
        Platform.exit();
        return 0;
    }
}
