package dev.botops.testing;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javafx.application.Platform;

/**
 * Measures how long the FX thread stays blocked: every 5 ms it posts a ping and records how late the FX
 * thread ran it. {@link #maxBlockMillis()} is the longest stall seen while running (wall clock);
 * {@link #maxBusyMillis()} is the most CPU time the FX thread itself spent while one ping waited, i.e. the
 * work that held it up, without the time it only waited for a CPU on a loaded machine (or for the software
 * renderer of headless tests); {@link #longestStall()} says what the FX thread was doing during the longest
 * stall (its stack, sampled while the ping waited), for failure messages.
 */
public final class FxWatchdog implements AutoCloseable {
    private static final long SAMPLE_AFTER_NANOS = 50_000_000L;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final AtomicLong maxLagNanos = new AtomicLong();
    private final AtomicLong maxBusyNanos = new AtomicLong();
    private final AtomicLong cpuAtPost = new AtomicLong();
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
            Thread fx = fxThread;
            if (fx != null && pendingSince.get() == 0) {
                cpuAtPost.set(THREADS.getThreadCpuTime(fx.getId()));
            }
            if (pendingSince.compareAndSet(0, posted)) {
                Platform.runLater(() -> {
                    long lag = System.nanoTime() - pendingSince.get();
                    long before = cpuAtPost.get();
                    if (before > 0) {
                        maxBusyNanos.accumulateAndGet(THREADS.getCurrentThreadCpuTime() - before, Math::max);
                    }
                    pendingSince.set(0);
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

    /** The most CPU time the FX thread spent between posting a ping and running it. */
    public long maxBusyMillis() {
        return maxBusyNanos.get() / 1_000_000L;
    }

    /** The FX thread's stack sampled during the longest stall over 50 ms, or "none". */
    public String longestStall() {
        return longestStall.get();
    }

    public void reset() {
        maxLagNanos.set(0);
        maxBusyNanos.set(0);
        longestStall.set("none");
    }

    @Override
    public void close() {
        running = false;
    }
}
