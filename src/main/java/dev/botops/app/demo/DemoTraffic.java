package dev.botops.app.demo;

import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.bot.trading.MarketSimulator;
import dev.botops.concurrent.Threads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gentle traffic of simulated users through the sandbox Bot API: one message every {@code every} from a
 * demo user (reserved id range, see {@link DemoData}), each user saying {@code /start} first, then trading,
 * asking prices and looking at the portfolio. The bot answers them as it would real users, so the live
 * charts, counters and tables move. Restartable: {@link #start()} after {@link #stop()} goes on.
 */
public final class DemoTraffic implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DemoTraffic.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(3);

    private final BotApiEmulator sandbox;
    private final Duration every;
    /** Touched only by the traffic thread (and by tests calling {@link #next()} directly). */
    private final Random random;
    private final Set<Long> started = new HashSet<>();
    private final List<String> symbols = new ArrayList<>(MarketSimulator.symbols());
    /** Guarded by {@code this}. */
    private ScheduledExecutorService executor;

    public DemoTraffic(BotApiEmulator sandbox, Duration every, long seed) {
        if (every.isZero() || every.isNegative()) {
            throw new IllegalArgumentException("every must be positive");
        }
        this.sandbox = sandbox;
        this.every = every;
        this.random = new Random(seed);
    }

    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(Threads.daemon("botops-demo-traffic"));
        executor.scheduleWithFixedDelay(this::sendOne, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Demo traffic started: a simulated user message every {} ms", every.toMillis());
    }

    public synchronized boolean running() {
        return executor != null;
    }

    /** Stops sending and waits (bounded) for a message being posted. */
    public synchronized void stop() {
        if (executor == null) {
            return;
        }
        Threads.shutdown(executor, STOP_WAIT, "Demo traffic");
        executor = null;
        log.info("Demo traffic stopped");
    }

    private void sendOne() {
        try {
            sandbox.post(next());
        } catch (RuntimeException e) {
            // One failed post never stops the traffic.
            log.warn("Demo message not posted: {}", e.getMessage());
        }
    }

    /** The next simulated message: a new user's first one is /start. */
    UserMessage next() {
        int index = random.nextInt(DemoData.USERS);
        long userId = DemoData.FIRST_USER_ID + index;
        String name = "Demo user " + (index + 1);
        if (started.add(userId)) {
            return UserMessage.privateChat(userId, name, "/start");
        }
        String symbol = symbols.get(random.nextInt(symbols.size()));
        int roll = random.nextInt(100);
        String text;
        if (roll < 30) {
            text = "/buy " + symbol + " " + quantity(symbol);
        } else if (roll < 40) {
            text = "/sell " + symbol + " " + quantity(symbol);
        } else if (roll < 65) {
            text = "/price " + symbol;
        } else if (roll < 85) {
            text = "/portfolio";
        } else if (roll < 93) {
            text = "/balance";
        } else {
            text = "/history 5";
        }
        return UserMessage.privateChat(userId, name, text);
    }

    /** Small orders: a few shares, or hundredths of a coin. */
    private String quantity(String symbol) {
        int units = 1 + random.nextInt(3);
        return symbol.equals("BTC") || symbol.equals("ETH") ? "0.0" + units : String.valueOf(units);
    }

    @Override
    public void close() {
        stop();
    }
}
