package dev.botops.ui;

import dev.botops.ui.common.TaskExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A UI thread and a task executor that run only when the test says so: shows what is queued (one coalesced
 * update per burst, a slow load finishing after a newer one).
 */
public final class ManualFx implements Consumer<Runnable>, TaskExecutor {
    private final List<Runnable> fxQueue = new ArrayList<>();
    private final List<Runnable> taskQueue = new ArrayList<>();

    @Override
    public void accept(Runnable runnable) {
        fxQueue.add(runnable);
    }

    @Override
    public <T> void run(String name, Callable<T> call, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        taskQueue.add(() -> TaskExecutor.sameThread().run(name, call, onSuccess, onFailure));
    }

    /** The stage's answer is queued for the UI thread when it completes. */
    @Override
    public <T> void follow(CompletionStage<T> stage, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        stage.whenComplete((value, error) -> accept(() -> TaskExecutor.answer(value, error, onSuccess, onFailure)));
    }

    public int pendingFx() {
        return fxQueue.size();
    }

    public int pendingTasks() {
        return taskQueue.size();
    }

    public void runFx() {
        while (!fxQueue.isEmpty()) {
            fxQueue.remove(0).run();
        }
    }

    /** Runs the task queued at this position (0: the oldest still queued). */
    public void runTask(int index) {
        taskQueue.remove(index).run();
    }

    public void runTasks() {
        while (!taskQueue.isEmpty()) {
            taskQueue.remove(0).run();
        }
    }
}
