package dev.botops.bot;

import dev.botops.concurrent.Threads;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * The bot's former thread helpers, now {@link Threads}. Kept only because {@code BotService} still calls them
 * (it is being changed on another branch); once that lands, call {@link Threads} there and delete this class.
 */
public final class BotThreads {
    private BotThreads() {
    }

    /** Daemon threads named {@code name} (single) or {@code name-N}. */
    public static ThreadFactory named(String name, boolean numbered) {
        return numbered ? Threads.numberedDaemons(name) : Threads.daemon(name);
    }

    /** Lets running work finish for up to {@code wait}, then interrupts what is left. */
    public static void shutdown(ExecutorService executor, Duration wait, String what) {
        Threads.shutdown(executor, wait, what);
    }
}
