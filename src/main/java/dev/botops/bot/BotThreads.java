package dev.botops.bot;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The bot's background threads: named daemons, and a bounded shutdown that says when it had to force. */
public final class BotThreads {
    private static final Logger log = LoggerFactory.getLogger(BotThreads.class);

    private BotThreads() {
    }

    /** Daemon threads named {@code name} (single) or {@code name-N}. */
    public static ThreadFactory named(String name, boolean numbered) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, numbered ? name + "-" + count.incrementAndGet() : name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Lets running work finish for up to {@code wait}, then interrupts what is left. */
    public static void shutdown(ExecutorService executor, Duration wait, String what) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} did not stop within {} ms; interrupting", what, wait.toMillis());
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
