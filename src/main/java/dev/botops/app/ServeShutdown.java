package dev.botops.app;

import dev.botops.concurrent.Threads;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stop path of {@code botops serve}: on SIGTERM or Ctrl-C the JVM runs this shutdown hook, which closes
 * the services in order (waiting for a start still under way, so an embedded PostgreSQL it launched is
 * stopped too) and then ends the JVM with status 0.
 *
 * <p>Why {@code halt(0)}: a JVM that exits because of a signal reports 128 + the signal number (143 for
 * SIGTERM), which systemd, supervisors and scripts read as a failure even after an orderly stop. The hook
 * runs only after everything it owns is closed and the log is written, so halting skips nothing of ours.
 * A watchdog halts with status 1 if closing hangs past {@link #STOP_LIMIT}, well inside systemd's
 * {@code TimeoutStopSec}.
 */
final class ServeShutdown {
    static final Duration STOP_LIMIT = Duration.ofSeconds(15);
    static final int EXIT_STOP_TIMEOUT = 1;

    private static final Logger log = LoggerFactory.getLogger(ServeShutdown.class);

    private final AtomicReference<AppContext> context = new AtomicReference<>();
    private final CountDownLatch startFinished = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread hook = new Thread(this::stopAndHalt, "botops-shutdown");

    /** Installs the hook before the services start, so a signal during start still stops them in order. */
    static ServeShutdown install() {
        ServeShutdown shutdown = new ServeShutdown();
        Runtime.getRuntime().addShutdownHook(shutdown.hook);
        return shutdown;
    }

    void started(AppContext started) {
        context.set(started);
        startFinished.countDown();
    }

    /**
     * The start failed: the command's own exit code must stand, so the hook (which would end with 0) is
     * removed. When a signal already started the shutdown, the hook is running and ends the JVM itself.
     */
    void startFailed() {
        startFinished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownUnderWay) {
            log.debug("Shutdown already under way; the hook ends the process");
        }
    }

    /** Blocks the serving thread until a signal has stopped the services. */
    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    private void stopAndHalt() {
        log.info("Stopping: signal received");
        Threads.daemon("botops-shutdown-watchdog").newThread(this::haltIfStuck).start();
        try {
            if (!startFinished.await(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("The services were still starting after {} s; stopping anyway", STOP_LIMIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        AppContext started = context.get();
        if (started != null) {
            started.close();
        }
        log.info("Stopped cleanly");
        stopped.countDown();
        Runtime.getRuntime().halt(0);
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
