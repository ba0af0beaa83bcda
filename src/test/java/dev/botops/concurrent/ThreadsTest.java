package dev.botops.concurrent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ThreadsTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger threadsLog = (Logger) LoggerFactory.getLogger(Threads.class);
    /** Released at the end of every test, so that no test leaves a thread behind. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch running = new CountDownLatch(1);
    private final AtomicBoolean interrupted = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private ExecutorService executor;

    @BeforeEach
    void captureLog() {
        logged.start();
        threadsLog.addAppender(logged);
    }

    @AfterEach
    void releaseAndStop() {
        release.countDown();
        threadsLog.detachAppender(logged);
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    private List<String> messages() {
        return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Runs the work on a new one-thread executor and waits until it has started. */
    private void startOnExecutor(String threadName, Runnable work) {
        executor = Executors.newSingleThreadExecutor(Threads.daemon(threadName));
        executor.execute(() -> {
            running.countDown();
            work.run();
        });
        await().atMost(LONG).until(() -> running.getCount() == 0);
    }

    /** Work that waits for {@link #release}; an interrupt ends it, and is remembered. */
    private void awaitRelease() {
        try {
            release.await();
            finished.set(true);
        } catch (InterruptedException e) {
            interrupted.set(true);
        }
    }

    /** Work that waits for {@link #release} and shrugs off interrupts. */
    private void awaitReleaseIgnoringInterrupts() {
        while (release.getCount() > 0) {
            try {
                release.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            }
        }
    }

    @Test
    void workRunsOnADaemonThreadWithTheGivenName() throws Exception {
        executor = Executors.newSingleThreadExecutor(Threads.daemon("botops-test"));

        Thread worker = executor.submit(Thread::currentThread).get(30, TimeUnit.SECONDS);

        assertThat(worker.getName()).isEqualTo("botops-test");
        assertThat(worker.isDaemon()).isTrue();
    }

    @Test
    void poolThreadsAreNumberedInTheOrderTheyAreMade() {
        ThreadFactory factory = Threads.numberedDaemons("botops-pool");

        Thread first = factory.newThread(() -> { });
        Thread second = factory.newThread(() -> { });

        assertThat(List.of(first.getName(), second.getName())).containsExactly("botops-pool-1", "botops-pool-2");
        assertThat(second.isDaemon()).isTrue();
    }

    @Test
    void anUncaughtExceptionIsLoggedWithTheThreadsName() {
        executor = Executors.newSingleThreadExecutor(Threads.daemon("botops-failing"));

        executor.execute(() -> {
            throw new IllegalStateException("boom");
        });

        await().atMost(LONG).until(() -> !logged.list.isEmpty());
        ILoggingEvent event = logged.list.get(0);
        assertThat(event.getFormattedMessage()).isEqualTo("Thread botops-failing ended by an uncaught exception");
        assertThat(event.getThrowableProxy().getMessage()).isEqualTo("boom");
    }

    @Test
    void shutdownLetsRunningWorkFinish() throws Exception {
        startOnExecutor("botops-finishing", this::awaitRelease);

        CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> Threads.shutdown(executor, LONG, "Finishing work"));
        await().atMost(LONG).until(executor::isShutdown);
        assertThat(stopped).isNotDone();
        release.countDown();

        assertThat(stopped.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(finished).isTrue();
        assertThat(interrupted).isFalse();
        assertThat(messages()).isEmpty();
    }

    @Test
    void shutdownInterruptsWorkThatOutlastsTheWaitAndSaysSo() {
        startOnExecutor("botops-stuck", this::awaitRelease);

        boolean stopped = Threads.shutdown(executor, Duration.ofMillis(200), "Stuck work");

        assertThat(stopped).isFalse();
        await().atMost(LONG).untilTrue(interrupted);
        assertThat(executor.isShutdown()).isTrue();
        assertThat(messages()).containsExactly("Stuck work did not stop within 200 ms; interrupting it");
    }

    @Test
    void anInterruptedCallerStopsTheWorkAtOnceAndKeepsItsInterruptFlag() {
        startOnExecutor("botops-interrupted", this::awaitRelease);

        Thread.currentThread().interrupt();
        boolean stopped = Threads.shutdown(executor, LONG, "Work");

        assertThat(Thread.interrupted()).isTrue();
        assertThat(stopped).isFalse();
        await().atMost(LONG).untilTrue(interrupted);
    }

    @Test
    void shutdownNowInterruptsRunningWorkAtOnce() {
        startOnExecutor("botops-interruptible", this::awaitRelease);

        boolean stopped = Threads.shutdownNow(executor, LONG, "Interruptible work");

        assertThat(stopped).isTrue();
        assertThat(interrupted).isTrue();
        assertThat(finished).isFalse();
        assertThat(messages()).isEmpty();
    }

    @Test
    void shutdownNowSaysSoWhenWorkIgnoresTheInterrupt() {
        startOnExecutor("botops-stubborn", this::awaitReleaseIgnoringInterrupts);

        boolean stopped = Threads.shutdownNow(executor, Duration.ofMillis(200), "Stubborn work");

        assertThat(stopped).isFalse();
        await().atMost(LONG).untilTrue(interrupted);
        assertThat(messages()).containsExactly("Stubborn work did not stop within 200 ms of being interrupted; leaving it behind");
    }
}
