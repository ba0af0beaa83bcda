package dev.botops.drill;

import dev.botops.concurrent.Threads;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A piece of the drill's load or observation that runs every so often on its own named daemon thread; one
 * failed run is logged and the next one comes as usual. Closing stops it within a bounded time.
 */
final class Periodic implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Periodic.class);

    private final String name;
    private final ScheduledExecutorService executor;

    private Periodic(String name, ScheduledExecutorService executor) {
        this.name = name;
        this.executor = executor;
    }

    static Periodic start(String name, Duration every, Runnable task) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(Threads.daemon(name));
        executor.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("{}: {}", name, e.toString());
            }
        }, 0, every.toNanos(), TimeUnit.NANOSECONDS);
        return new Periodic(name, executor);
    }

    @Override
    public void close() {
        Threads.shutdown(executor, Duration.ofSeconds(5), name);
    }
}
