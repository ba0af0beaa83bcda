package dev.botops.ui.common;

import dev.botops.concurrent.Threads;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import javafx.application.Platform;
import javafx.concurrent.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs view-model work as JavaFX {@link Task}s on a small pool of named daemon threads. */
public final class FxTaskExecutor implements TaskExecutor, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FxTaskExecutor.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(3);

    private final ExecutorService pool;

    public FxTaskExecutor(int threads) {
        this.pool = Executors.newFixedThreadPool(threads, Threads.numberedDaemons("botops-ui-task"));
    }

    @Override
    public <T> void run(String name, Callable<T> call, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        Task<T> task = new Task<>() {
            @Override
            protected T call() throws Exception {
                return call.call();
            }

            @Override
            protected void succeeded() {
                onSuccess.accept(getValue());
            }

            @Override
            protected void failed() {
                Throwable error = getException();
                log.warn("{} failed", name, error);
                onFailure.accept(error);
            }
        };
        pool.execute(task);
    }

    @Override
    public <T> void follow(CompletionStage<T> stage, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        stage.whenComplete((value, error) -> onFx(() -> TaskExecutor.answer(value, error, onSuccess, onFailure)));
    }

    /** Runs on the FX thread now if already there, else later. */
    public static void onFx(Runnable action) {
        if (Platform.isFxApplicationThread()) {
            action.run();
        } else {
            Platform.runLater(action);
        }
    }

    @Override
    public void close() {
        Threads.shutdownNow(pool, STOP_WAIT, "UI background tasks");
    }
}
