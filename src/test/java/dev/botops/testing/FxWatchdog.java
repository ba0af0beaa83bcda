package dev.botops.testing;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javafx.application.Platform;

/**
 * Measures how long the FX thread stays blocked: every 5 ms it posts a ping and records how late the FX
 * thread ran it. {@link #maxBlockMillis()} is the longest stall seen while running; {@link #longestStall()}
 * says what the FX thread was doing during it (its stack, sampled while the ping waited), for the failure message.
 */
public final class FxWatchdog implements AutoCloseable {
    private static final long SAMPLE_AFTER_NANOS = 50_000_000L;

    private final AtomicLong maxLagNanos = new AtomicLong();
    private final AtomicLong pendingSince = new AtomicLong();
    private final AtomicReference<String> longestStall = new AtomicReference<>("none");
    private final Thread thread;
    private volatile Thread fxThread;
    private volatile boolean running = true;

    public FxWatchdog() {
        Platform.runLater(() -> fxThread = Thread.currentThread());
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
                long since = pendingSince.get();
                if (since != 0) {
                    long waiting = posted - since;
                    if (waiting > maxLagNanos.get() && waiting > SAMPLE_AFTER_NANOS) {
                        sample(waiting);
                    }
                    maxLagNanos.accumulateAndGet(waiting, Math::max);
                }
            }
            LockSupport.parkNanos(5_000_000L);
        }
    }

    private void sample(long waitingNanos) {
        Thread fx = fxThread;
        if (fx == null) {
            return;
        }
        StringBuilder text = new StringBuilder("FX thread blocked for " + waitingNanos / 1_000_000 + " ms at:");
        StackTraceElement[] stack = fx.getStackTrace();
        for (int i = 0; i < Math.min(stack.length, 40); i++) {
            text.append("\n    ").append(stack[i]);
        }
        longestStall.set(text.toString());
    }

    public long maxBlockMillis() {
        return maxLagNanos.get() / 1_000_000L;
    }

    /** The FX thread's stack sampled during the longest stall over 50 ms, or "none". */
    public String longestStall() {
        return longestStall.get();
    }

    public void reset() {
        maxLagNanos.set(0);
        longestStall.set("none");
    }

    @Override
    public void close() {
        running = false;
    }
}
