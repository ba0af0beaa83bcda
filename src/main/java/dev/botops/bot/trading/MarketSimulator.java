package dev.botops.bot.trading;

import dev.botops.concurrent.Threads;
import dev.botops.db.Database;
import dev.botops.db.Work;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated market: a fixed list of symbols whose prices (in cents) move as a seeded random walk. Only
 * the active instance ticks; each move is stored in {@code price_ticks}, and an instance that takes over
 * continues from the last stored prices.
 */
public final class MarketSimulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MarketSimulator.class);
    static final Work MARKET = new Work("market", Duration.ofSeconds(5), Duration.ofSeconds(1));
    private static final BigDecimal CENT = new BigDecimal("0.01");
    /** Standard deviation of one tick's relative move. */
    private static final double VOLATILITY = 0.002;

    /** The listed symbols and their opening prices. */
    static final Map<String, BigDecimal> OPENING_PRICES = openingPrices();

    private final Database db;
    private final Duration tickEvery;
    private final Random random;
    private final ScheduledExecutorService scheduler;
    private volatile Map<String, BigDecimal> prices = OPENING_PRICES;
    private ScheduledFuture<?> ticking;

    public MarketSimulator(Database db, long seed, Duration tickEvery) {
        this.db = db;
        this.tickEvery = tickEvery;
        this.random = new Random(seed);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Threads.daemon("bot-market"));
    }

    private static Map<String, BigDecimal> openingPrices() {
        Map<String, BigDecimal> p = new LinkedHashMap<>();
        p.put("AAPL", new BigDecimal("190.00"));
        p.put("AMZN", new BigDecimal("180.00"));
        p.put("BTC", new BigDecimal("60000.00"));
        p.put("ETH", new BigDecimal("3000.00"));
        p.put("GOOG", new BigDecimal("170.00"));
        p.put("MSFT", new BigDecimal("420.00"));
        p.put("NVDA", new BigDecimal("120.00"));
        p.put("TSLA", new BigDecimal("250.00"));
        return Collections.unmodifiableMap(p);
    }

    public static SortedSet<String> symbols() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(OPENING_PRICES.keySet()));
    }

    /** The current price of a listed symbol (upper case), or empty for an unknown one. */
    public Optional<BigDecimal> price(String symbol) {
        return Optional.ofNullable(prices.get(symbol));
    }

    /** Starts ticking (this instance became active), continuing from the last stored prices. */
    public synchronized void startTicking() {
        if (ticking != null) {
            return;
        }
        try {
            loadLastPrices();
        } catch (RuntimeException e) {
            log.warn("Could not load the last market prices, continuing from the current ones: {}", e.getMessage());
        }
        long millis = tickEvery.toMillis();
        ticking = scheduler.scheduleAtFixedRate(this::tickSafely, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Stops ticking (this instance stands by or stops). */
    public synchronized void stopTicking() {
        if (ticking != null) {
            ticking.cancel(false);
            ticking = null;
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.warn("Market tick failed (prices moved, tick not stored): {}", e.getMessage());
        }
    }

    /** Moves every price one step and stores the ticks. */
    void tick() {
        Map<String, BigDecimal> next = new LinkedHashMap<>();
        synchronized (random) {
            prices.forEach((symbol, price) -> {
                double factor = 1 + random.nextGaussian() * VOLATILITY;
                BigDecimal moved = price.multiply(BigDecimal.valueOf(factor)).setScale(2, RoundingMode.HALF_EVEN);
                next.put(symbol, moved.max(CENT));
            });
        }
        prices = Collections.unmodifiableMap(next);
        db.inTransaction(MARKET, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO price_ticks (symbol, price) VALUES (?, ?)")) {
                for (Map.Entry<String, BigDecimal> e : next.entrySet()) {
                    ps.setString(1, e.getKey());
                    ps.setBigDecimal(2, e.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    private void loadLastPrices() {
        Map<String, BigDecimal> loaded = db.withConnection(MARKET, c -> {
            Map<String, BigDecimal> result = new LinkedHashMap<>(prices);
            Array symbols = c.createArrayOf("text", OPENING_PRICES.keySet().toArray());
            // One index probe per symbol, however large price_ticks has grown.
            try (PreparedStatement ps = c.prepareStatement("SELECT s.symbol, p.price FROM unnest(?::text[]) AS s(symbol) "
                    + "CROSS JOIN LATERAL (SELECT price FROM price_ticks t WHERE t.symbol = s.symbol ORDER BY ts DESC LIMIT 1) p")) {
                ps.setArray(1, symbols);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.put(rs.getString(1), rs.getBigDecimal(2).setScale(2, RoundingMode.HALF_EVEN));
                    }
                }
            }
            return result;
        });
        prices = Collections.unmodifiableMap(loaded);
    }

    @Override
    public void close() {
        stopTicking();
        Threads.shutdown(scheduler, Duration.ofSeconds(5), "The market ticker");
    }
}
