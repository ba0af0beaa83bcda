package dev.botops.testing;

import java.util.concurrent.atomic.AtomicLong;
import javafx.application.Platform;

/**
 * Measures how long the FX thread stays blocked: every 5 ms it posts a ping and records how late the FX
 * thread ran it. {@link #maxBlockMillis()} is the longest stall seen while running.
 */
public final class FxWatchdog implements AutoCloseable {
    private final AtomicLong maxLagNanos = new AtomicLong();
    private final AtomicLong pendingSince = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public FxWatchdog() {
        thread = new Thread(this::loop, "fx-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            long posted = System.nanoTime();
            if (pendingSince.compareAndSet(0, posted)) {
                Platform.runLater(() -> {
                    long lag = System.nanoTime() - pendingSince.getAndSet(0);
                    maxLagNanos.accumulateAndGet(lag, Math::max);
                });
            } else {
                long waiting = posted - pendingSince.get();
                if (pendingSince.get() != 0) {
                    maxLagNanos.accumulateAndGet(waiting, Math::max);
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
        }
    }

    public long maxBlockMillis() {
        return maxLagNanos.get() / 1_000_000L;
    }

    public void reset() {
        maxLagNanos.set(0);
    }

    @Override
    public void close() {
        running = false;
    }
}
