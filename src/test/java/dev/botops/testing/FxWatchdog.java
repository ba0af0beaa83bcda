package dev.botops.testing;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javafx.application.Platform;

/**
 * Measures how long the FX thread stays blocked: every 5 ms it posts a ping and records how late the FX
 * thread ran it, counted from when the ping was surely queued. {@link #maxBlockMillis()} is the longest stall
 * seen while running.
 *
 * <p>On a machine whose few CPUs are shared with other busy processes, part of a stall is waiting for a CPU,
 * which no UI code can avoid: the FX thread's own wait, and the wait of the render thread that the FX thread
 * waits for at every pulse (with the software pipeline of headless tests, painting is CPU work). Where Linux
 * reports these waits ({@code /proc/self/task/<tid>/schedstat}), {@link #maxBusyMillis()} takes them off:
 * what is left is the time the UI pipeline ran or was blocked (on a lock, on I/O), i.e. what the code on the
 * FX thread is responsible for, and never less than the time the FX thread itself was on a CPU. Garbage
 * collection pauses, which stop every thread of the JVM (and last longer when the collector's threads wait for
 * a CPU too), are taken off as well.
 *
 * <p>Painting is the render thread's work, not the FX thread's: when the FX thread is seen (by its stack,
 * sampled every 5 ms during a stall) waiting at a pulse for the renderer to finish the previous frame, the
 * render thread's time on a CPU during that stall is taken off too. Blocking I/O or a lock on the FX thread
 * is never taken off: the FX thread is then parked elsewhere and the renderer has at most one frame to paint.
 */
public final class FxWatchdog implements AutoCloseable {
    // Linux keeps the first 15 characters of a thread's name.
    private static final String FX_THREAD = "JavaFX Applicat";
    private static final String RENDER_THREAD = "QuantumRendere";

    private final AtomicLong maxLagNanos = new AtomicLong();
    private final AtomicLong maxBusyNanos = new AtomicLong();
    private final Path fxStats = schedstat(FX_THREAD);
    private final Path renderStats = schedstat(RENDER_THREAD);
    private static final long SAMPLE_AFTER_NANOS = 50_000_000L;
    private final AtomicReference<String> longestStall = new AtomicReference<>("none");
    private final Thread fxThread = Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("JavaFX Application Thread")).findFirst().orElse(null);
    private final Thread thread;
    private volatile boolean running = true;

    public FxWatchdog() {
        thread = new Thread(this::loop, "fx-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (running) {
            long[] before = stats();
            AtomicReference<long[]> after = new AtomicReference<>();
            AtomicLong ranAt = new AtomicLong();
            Platform.runLater(() -> {
                ranAt.set(System.nanoTime());
                after.set(stats());
            });
            // The ping was queued before runLater returned: count from there, so that this thread losing its CPU
            // while it posts (on a busy machine) is not taken for a stall of the FX thread.
            long queued = System.nanoTime();
            boolean waitedForRenderer = false;
            while (running && after.get() == null) {
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
                long waiting = System.nanoTime() - queued;
                if (after.get() == null) {
                    StackTraceElement[] stack = fxStack();
                    waitedForRenderer |= waitsForRenderer(stack);
                    if (waiting > SAMPLE_AFTER_NANOS && waiting > maxLagNanos.get()) {
                        describe(waiting, stack);
                    }
                    record(waiting, before, stats(), waitedForRenderer); // a stall in progress
                }
            }
            if (after.get() != null) {
                record(Math.max(0, ranAt.get() - queued), before, after.get(), waitedForRenderer);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
        }
    }

    /**
     * @param before/after {FX thread on a CPU, FX thread waiting for a CPU, render thread waiting for a CPU, GC pauses,
     *                     render thread on a CPU}, ns
     * @param waitedForRenderer the FX thread was seen waiting for the renderer during this stall
     */
    private void record(long lagNanos, long[] before, long[] after, boolean waitedForRenderer) {
        long fxOnCpu = after[0] - before[0];
        long notTheFxThreads = (after[1] - before[1]) + (after[2] - before[2]) + (after[3] - before[3]);
        if (waitedForRenderer) {
            notTheFxThreads += after[4] - before[4];
        }
        maxLagNanos.accumulateAndGet(lagNanos, Math::max);
        maxBusyNanos.accumulateAndGet(Math.max(fxOnCpu, lagNanos - notTheFxThreads), Math::max);
    }

    private StackTraceElement[] fxStack() {
        return fxThread == null ? new StackTraceElement[0] : fxThread.getStackTrace();
    }

    private static boolean waitsForRenderer(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            if (frame.getMethodName().equals("waitForRenderingToComplete")) {
                return true;
            }
        }
        return false;
    }

    /** Remembers what the FX thread is doing during the longest stall so far, for failure messages. */
    private void describe(long waitingNanos, StackTraceElement[] stack) {
        StringBuilder text = new StringBuilder("FX thread stalled for " + waitingNanos / 1_000_000 + " ms at:");
        for (int i = 0; i < Math.min(stack.length, 40); i++) {
            text.append("\n    ").append(stack[i]);
        }
        longestStall.set(text.toString());
    }

    /** What the FX thread was doing during the longest stall seen (its stack), or "none". */
    public String longestStall() {
        return longestStall.get();
    }

    /** The longest stall, wall clock. */
    public long maxBlockMillis() {
        return maxLagNanos.get() / 1_000_000L;
    }

    /**
     * The longest stall less the time the FX and render threads waited for a CPU, the GC pauses during it, and
     * the renderer's painting when the FX thread waited for it (only GC pauses are taken off where the kernel
     * does not report the threads' times).
     */
    public long maxBusyMillis() {
        return maxBusyNanos.get() / 1_000_000L;
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

    private long[] stats() {
        long[] fx = read(fxStats);
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        long[] render = read(renderStats);
        return new long[] {fx[0], fx[1], render[1], gcMillis * 1_000_000L, render[0]};
    }

    /** {time on a CPU, time waiting on a run queue} in nanoseconds; zeros when unknown. */
    private static long[] read(Path schedstat) {
        if (schedstat == null) {
            return new long[2];
        }
        try {
            String[] fields = Files.readString(schedstat).trim().split(" ");
            return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
        } catch (IOException | RuntimeException e) {
            return new long[2];
        }
    }

    private static Path schedstat(String threadName) {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return null;
        }
        try (Stream<Path> threads = Files.list(tasks)) {
            return threads.filter(t -> {
                try {
                    return Files.readString(t.resolve("comm")).trim().startsWith(threadName);
                } catch (IOException e) {
                    return false;
                }
            }).map(t -> t.resolve("schedstat")).filter(Files::isReadable).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
