package dev.botops.concurrent;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's background threads: named daemon threads (so a thread dump says whose they are, and none of them
 * keeps the JVM alive) whose uncaught exceptions are logged rather than printed to stderr, and the ordered,
 * bounded stop of an executor that says when it had to force.
 */
public final class Threads {
    private static final Logger log = LoggerFactory.getLogger(Threads.class);

    private Threads() {
    }

    /** Daemon threads all named {@code name}: for an executor of one thread, or a single thread. */
    public static ThreadFactory daemon(String name) {
        return runnable -> asDaemon(new Thread(runnable, name));
    }

    /** Daemon threads named {@code prefix-1}, {@code prefix-2}, ...: for a pool. */
    public static ThreadFactory numberedDaemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> asDaemon(new Thread(runnable, prefix + "-" + count.incrementAndGet()));
    }

    private static Thread asDaemon(Thread thread) {
        thread.setDaemon(true);
        // Work run by execute() (not submit()) that throws ends its thread; say so once, with the trace.
        thread.setUncaughtExceptionHandler((t, e) -> log.error("Thread {} ended by an uncaught exception", t.getName(), e));
        return thread;
    }

    /**
     * Stops taking work, lets running work finish for up to {@code wait}, then interrupts what is left.
     * An interrupt while waiting interrupts the work at once and keeps the caller's interrupt flag.
     *
     * @param what who stops, for the log ("The monitor")
     * @return whether everything finished within {@code wait} without being interrupted
     */
    public static boolean shutdown(ExecutorService executor, Duration wait, String what) {
        executor.shutdown();
        if (stoppedWithin(executor, wait, what, "; interrupting it")) {
            return true;
        }
        executor.shutdownNow();
        return false;
    }

    /**
     * Interrupts running work at once (for work that stops when interrupted and need not finish) and waits up
     * to {@code wait} for it to end. An interrupt while waiting keeps the caller's interrupt flag.
     *
     * @param what who stops, for the log ("UI background tasks")
     * @return whether everything ended within {@code wait}
     */
    public static boolean shutdownNow(ExecutorService executor, Duration wait, String what) {
        executor.shutdownNow();
        return stoppedWithin(executor, wait, what, " of being interrupted; leaving it behind");
    }

    private static boolean stoppedWithin(ExecutorService executor, Duration wait, String what, String otherwise) {
        try {
            if (executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            log.warn("{} did not stop within {}{}", what, format(wait), otherwise);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private static String format(Duration wait) {
        long millis = wait.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
