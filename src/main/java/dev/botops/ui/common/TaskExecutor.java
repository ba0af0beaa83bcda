package dev.botops.ui.common;

import java.util.concurrent.Callable;
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

    /** Everything on the calling thread: for view-model tests. */
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
        };
    }
}
