package dev.botops.app;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The one stop path of {@code botops serve} and of the dashboard: the services close in order (waiting for a start
 * still under way, so an embedded PostgreSQL it launched is stopped too), after the caller's own first steps (the
 * dashboard closes its window and its screens). On SIGTERM or Ctrl-C the JVM runs it as a shutdown hook, which
 * then ends the JVM with status 0. The dashboard takes those signals itself ({@link #takeSignals()}), and its window
 * close runs the same {@link #stop()}; either way the process then ends by itself with status 0.
 *
 * <p>Why {@code halt(0)}: a JVM that exits because of a signal reports 128 + the signal number (143 for
 * SIGTERM), which systemd, supervisors and scripts read as a failure even after an orderly stop. The hook
 * halts only after everything it owns is closed and the log is written, so halting skips nothing of ours.
 * A watchdog halts with status 1 if stopping hangs past {@link #STOP_LIMIT}, well inside systemd's
 * {@code TimeoutStopSec}.
 */
public final class OrderlyShutdown {
    static final Duration STOP_LIMIT = Duration.ofSeconds(15);
    static final int EXIT_STOP_TIMEOUT = 1;

    private static final Logger log = LoggerFactory.getLogger(OrderlyShutdown.class);

    private final AtomicReference<AppContext> context = new AtomicReference<>();
    private final List<Runnable> firstSteps = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch startFinished = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook = new Thread(this::stopAndHalt, "botops-shutdown");

    private OrderlyShutdown() {
    }

    /** Installs the hook before the services start, so a signal during start still stops them in order. */
    public static OrderlyShutdown install() {
        OrderlyShutdown shutdown = new OrderlyShutdown();
        Runtime.getRuntime().addShutdownHook(shutdown.hook);
        return shutdown;
    }

    /** A step that runs when stopping begins, before the services close (steps run in the order added). */
    public void beforeClosing(Runnable step) {
        firstSteps.add(step);
    }

    public void started(AppContext started) {
        context.set(started);
        startFinished.countDown();
    }

    /** The start failed and nothing is left to close; a signal still ends the process with status 0. */
    public void startFailed() {
        startFinished.countDown();
    }

    /**
     * Takes SIGTERM and SIGINT (Ctrl-C) instead of letting them shut the JVM down, for the dashboard: JavaFX stops its
     * own render and FX threads in a shutdown hook of its own, concurrently with ours, after which the window can no
     * longer be closed. A signal then runs {@link #stop()} while everything still works (bounded by the watchdog), and
     * the waiting {@link #awaitStopped()} lets the process end normally. Where a signal cannot be taken (not every
     * platform has SIGTERM), the shutdown hook stays the stop path.
     */
    public void takeSignals() {
        for (String name : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    log.info("Stopping: signal received");
                    startWatchdog();
                    stop();
                });
            } catch (IllegalArgumentException unsupported) {
                log.debug("SIG{} cannot be taken here; the shutdown hook stops the app on it", name);
            }
        }
    }

    /** Whether stopping has begun (by a signal or {@link #stop()}): a start that finishes now must not go on. */
    public boolean stopping() {
        return stopping.get();
    }

    /**
     * The process ends by itself with its own exit code (serve's start failed; the dashboard's window close
     * stopped everything): the hook is removed. When a signal already started the shutdown, the hook is
     * running and ends the JVM itself.
     */
    public void release() {
        startFinished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownUnderWay) {
            log.debug("Shutdown already under way; the hook ends the process");
        }
    }

    /** Blocks the calling thread until the services have been stopped. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /**
     * Stops everything in order: waits (bounded) for a start under way, runs the first steps, closes the
     * services. The first caller does the work; a second one (a signal during a window close) waits for it.
     */
    public void stop() {
        long started = System.nanoTime();
        if (!stopping.compareAndSet(false, true)) {
            try {
                awaitStopped();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            if (!startFinished.await(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("The services were still starting after {} s; stopping anyway", STOP_LIMIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Runnable step : firstSteps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                log.warn("A step before closing the services failed: {}", e.getMessage(), e);
            }
        }
        AppContext services = context.get();
        if (services != null) {
            services.close();
        }
        log.info("Stopped cleanly in {} ms", (System.nanoTime() - started) / 1_000_000);
        stopped.countDown();
    }

    private void stopAndHalt() {
        log.info("Stopping: signal received");
        startWatchdog();
        stop();
        Runtime.getRuntime().halt(0);
    }

    private void startWatchdog() {
        Thread watchdog = new Thread(this::haltIfStuck, "botops-shutdown-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private void haltIfStuck() {
        try {
            if (!stopped.await(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.error("Stopping took longer than {} s; ending the process without finishing", STOP_LIMIT.toSeconds());
                Runtime.getRuntime().halt(EXIT_STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
