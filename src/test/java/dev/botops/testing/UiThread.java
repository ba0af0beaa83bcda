package dev.botops.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The UI thread of a view-model test is the test thread: background services hand their updates to this
 * queue (as they would to {@code Platform.runLater}), and the test runs them while it waits, so the view
 * model's properties are only ever touched by one thread, as on the FX thread.
 */
public final class UiThread implements Consumer<Runnable> {
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();

    @Override
    public void accept(Runnable action) {
        queue.add(action);
    }

    /** Runs everything handed over so far (and what that hands over in turn). */
    public void drain() {
        for (Runnable action = queue.poll(); action != null; action = queue.poll()) {
            action.run();
        }
    }

    /** Runs handed-over updates until the condition holds (checked on this, the "UI", thread). */
    public void until(BooleanSupplier condition) {
        until(Duration.ofSeconds(30), condition);
    }

    public void until(Duration atMost, BooleanSupplier condition) {
        await().atMost(atMost).pollInSameThread().pollInterval(Duration.ofMillis(20)).until(() -> {
            drain();
            return condition.getAsBoolean();
        });
    }
}
