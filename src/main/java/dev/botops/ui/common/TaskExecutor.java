package dev.botops.ui.common;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The one seam through which view models run background work. The app's implementation runs the call on a
 * named background thread and the callbacks on the FX thread; tests use {@link #sameThread()}.
 */
public interface TaskExecutor {

    /**
     * Runs {@code call} off the UI thread, then {@code onSuccess} or {@code onFailure} on the UI thread.
     * {@code call} does I/O only and returns an immutable result.
     */
    <T> void run(String name, Callable<T> call, Consumer<T> onSuccess, Consumer<Throwable> onFailure);

    /**
     * Calls {@code onSuccess} or {@code onFailure} on the UI thread once {@code stage} completes. No thread waits
     * for it: a run that takes half an hour, or a command another instance answers, holds no worker meanwhile.
     */
    <T> void follow(CompletionStage<T> stage, Consumer<T> onSuccess, Consumer<Throwable> onFailure);

    /** Starts something off the UI thread that answers later (a run, a command), then {@link #follow follows} its answer. */
    default <T> void runAndFollow(String name, Callable<? extends CompletionStage<T>> start, Consumer<T> onSuccess,
                                  Consumer<Throwable> onFailure) {
        run(name, start, stage -> follow(stage, onSuccess, onFailure), onFailure);
    }

    /** Hands a completed stage's value or failure (without the wrapper a dependent stage adds) to the callback for it. */
    static <T> void answer(T value, Throwable error, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        if (error == null) {
            onSuccess.accept(value);
        } else {
            onFailure.accept(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
        }
    }

    /** Everything on the calling thread (a stage's callbacks on the thread that completes it): for view-model tests. */
    static TaskExecutor sameThread() {
        return new TaskExecutor() {
            @Override
            public <T> void run(String name, Callable<T> call, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
                T result;
                try {
                    result = call.call();
                } catch (Exception e) {
                    onFailure.accept(e);
                    return;
                }
                onSuccess.accept(result);
            }

            @Override
            public <T> void follow(CompletionStage<T> stage, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
                stage.whenComplete((value, error) -> answer(value, error, onSuccess, onFailure));
            }
        };
    }
}
