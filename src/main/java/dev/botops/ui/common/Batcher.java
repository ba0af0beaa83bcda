package dev.botops.ui.common;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * Like {@link Coalescer}, for streams where every item counts (chat replies, state changes): items added
 * from any thread reach the UI thread in order, a burst of them as one list in one {@code Platform.runLater}.
 */
public final class Batcher<T> {
    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    private final Coalescer<Boolean> signal;

    /**
     * @param fxThread how to run on the UI thread ({@code Platform::runLater}; a direct call in tests)
     * @param apply    receives, on the UI thread, every item added since the last call, oldest first
     */
    public Batcher(Consumer<Runnable> fxThread, Consumer<List<T>> apply) {
        this.signal = new Coalescer<>(fxThread, ignored -> {
            List<T> batch = new ArrayList<>();
            for (T item = queue.poll(); item != null; item = queue.poll()) {
                batch.add(item);
            }
            // Items added while this drain ran scheduled one more drain; it may find them taken already.
            if (!batch.isEmpty()) {
                apply.accept(List.copyOf(batch));
            }
        });
    }

    public void add(T item) {
        if (item == null) {
            throw new IllegalArgumentException("item");
        }
        queue.add(item);
        signal.publish(Boolean.TRUE);
    }
}
