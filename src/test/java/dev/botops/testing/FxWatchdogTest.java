package dev.botops.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javafx.application.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testfx.api.FxToolkit;

/**
 * The watchdog the UI tests use must count the FX thread blocked by I/O or by a lock as busy, whatever it takes
 * off for CPU waits and painting: otherwise "never blocked for more than 100 ms" would prove nothing.
 *
 * <p>Each test holds the FX thread for twice {@link #BLOCK_MILLIS} and asserts that at least {@code BLOCK_MILLIS}
 * counts. The busy figure is the stall less what other work took off it (the renderer finishing its frame and
 * waiting for a CPU, the FX thread waiting for a CPU once woken, GC pauses): on an idle machine almost nothing, on
 * a busy one tens of milliseconds. Comparing it with the exact blocked time failed once under load (298 ms of
 * 300); taking the blocked time off would leave almost nothing, far below the bound.
 */
class FxWatchdogTest {
    private static final long BLOCK_MILLIS = 300;
    private static final long HELD_MILLIS = 2 * BLOCK_MILLIS;
    private FxWatchdog watchdog;

    @BeforeAll
    static void startToolkit() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void stop() {
        if (watchdog != null) {
            watchdog.close();
        }
    }

    @Test
    void blockingReadOnTheFxThreadCountsAsBusy() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket peer = server.accept()) {
            watchdog = new FxWatchdog();
            CompletableFuture<Integer> read = new CompletableFuture<>();
            Platform.runLater(() -> {
                try {
                    InputStream in = client.getInputStream();
                    read.complete(in.read());
                } catch (IOException e) {
                    read.completeExceptionally(e);
                }
            });
            // The peer answers only later: until then the FX thread sits in a socket read, as it would on a query.
            Executor later = CompletableFuture.delayedExecutor(HELD_MILLIS, TimeUnit.MILLISECONDS);
            CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = peer.getOutputStream();
                    out.write(42);
                    out.flush();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, later);

            assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(42);
            // The watchdog records the stall from its own thread, which may be a little behind on a busy machine.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(watchdog.maxBusyMillis())
                    .isGreaterThanOrEqualTo(BLOCK_MILLIS));
            assertThat(watchdog.longestStall()).contains("FX thread stalled").contains("SocketInputStream", "read");
        }
    }

    @Test
    void waitingForALockOnTheFxThreadCountsAsBusy() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        lock.lock();
        watchdog = new FxWatchdog();
        CompletableFuture<Void> ran = new CompletableFuture<>();
        try {
            Platform.runLater(() -> {
                lock.lock();
                lock.unlock();
                ran.complete(null);
            });
            await().atMost(Duration.ofSeconds(10)).until(lock::hasQueuedThreads);
            await().atMost(Duration.ofSeconds(10)).until(() -> watchdog.maxBlockMillis() >= HELD_MILLIS);
        } finally {
            lock.unlock();
        }
        ran.get(10, TimeUnit.SECONDS);
        assertThat(watchdog.maxBusyMillis()).isGreaterThanOrEqualTo(BLOCK_MILLIS);
        assertThat(watchdog.longestStall()).contains("ReentrantLock");
    }
}
