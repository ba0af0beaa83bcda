package dev.botops.ui.common;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Hands the latest value of a high-rate stream to the FX thread with at most one pending
 * {@code Platform.runLater} at a time: a burst of publications becomes one UI update with the newest value.
 * Thread-safe; {@link #publish} may be called from any thread.
 */
public final class Coalescer<T> {
    private final AtomicReference<T> pending = new AtomicReference<>();
    private final Consumer<Runnable> fxThread;
    private final Consumer<T> apply;

    /**
     * @param fxThread how to run on the UI thread ({@code Platform::runLater}; a direct call in tests)
     * @param apply    applies a value on the UI thread
     */
    public Coalescer(Consumer<Runnable> fxThread, Consumer<T> apply) {
        this.fxThread = fxThread;
        this.apply = apply;
    }

    public void publish(T value) {
        if (value == null) {
            throw new IllegalArgumentException("value");
        }
        if (pending.getAndSet(value) == null) {
            fxThread.accept(this::drain);
        }
    }

    private void drain() {
        T value = pending.getAndSet(null);
        if (value != null) {
            apply.accept(value);
        }
    }
}
