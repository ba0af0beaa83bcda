package dev.botops.bot;

import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.FloodLimits;
import dev.botops.testing.PgBouncer;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The bot end to end for each test, as a JUnit extension: before each test a fresh {@link BotHarness} (the Bot API
 * emulator with Telegram's flood limits, bot services with the real TelegramBots client) on the test class's own
 * PostgreSQL database, closed after the test; and the database checks the bot's tests share. Register it with
 * {@code @RegisterExtension final BotFixture fixture = new BotFixture();}; {@link #behindPgBouncer()} puts a real
 * PgBouncer in transaction mode between the bot and the database (the checks stay direct).
 */
final class BotFixture implements BeforeEachCallback, AfterEachCallback {
    private final Map<String, String> settings;
    private final boolean pooled;
    private TestDatabase testDb;
    private PgBouncer bouncer;
    private BotHarness harness;

    BotFixture() {
        this(Map.of());
    }

    /** With settings on top of the harness's (quiet market, 2 s lease), for every service the test starts. */
    BotFixture(Map<String, String> settings) {
        this(settings, false);
    }

    private BotFixture(Map<String, String> settings, boolean pooled) {
        this.settings = Map.copyOf(settings);
        this.pooled = pooled;
    }

    /** The bot reaches its database through PgBouncer in transaction mode, by the pooler's plain URL. */
    static BotFixture behindPgBouncer() {
        return new BotFixture(Map.of(), true);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        testDb = PostgresExtension.database(context);
        bouncer = pooled ? PgBouncer.in(testDb).start() : null;
        harness = BotHarness.start(pooled ? bouncer.database() : testDb, FloodLimits.TELEGRAM, settings);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            harness.close();
        } finally {
            if (bouncer != null) {
                bouncer.close();
            }
        }
    }

    TestDatabase testDb() {
        return testDb;
    }

    BotApiEmulator emulator() {
        return harness.emulator();
    }

    RecordingAlertSink alerts() {
        return harness.alerts;
    }

    /** A started bot service (one app instance) with the fixture's settings. */
    BotService startBot(String instanceName) {
        return harness.startBot(instanceName, config -> config);
    }

    BotService startBot(String instanceName, UnaryOperator<BotConfig> adjust) {
        return harness.startBot(instanceName, adjust);
    }

    /** A bot service not started yet: add listeners, then {@link BotService#start()}. */
    BotService newBot(String instanceName) {
        return harness.newBot(instanceName, config -> config);
    }

    /** A started bot service that holds the lease and has its long poll open at the emulator. */
    BotService pollingBot(String instanceName) {
        BotService bot = startBot(instanceName);
        await().until(() -> bot.status().state() == BotState.POLLING && emulator().openPolls() == 1);
        return bot;
    }

    /** A user writes; waits for the bot's next reply in that chat and returns it. */
    String ask(long userId, String text) {
        return harness.ask(userId, text);
    }

    /** The first column of the first row of a query, as a whole number, read by the admin connection. */
    long count(String sql) {
        try (Connection c = testDb.admin().getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBigDecimal(1).longValue();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The offset the bot stored in {@code bot_offsets}. */
    long storedOffset() {
        return count("SELECT next_offset FROM bot_offsets WHERE bot_id = 'bot:" + BotHarness.TOKEN.id() + "'");
    }

    /** When the current lease expires, in epoch milliseconds by the database's clock. */
    long leaseExpiresAtMillis() {
        return count("SELECT (extract(epoch FROM expires_at) * 1000)::bigint FROM instance_lease");
    }

    /** Whether {@code holderId} holds the lease and acquired it before {@code epochMillis}, by the database's clock. */
    boolean acquiredLeaseBefore(String holderId, long epochMillis) {
        return count("SELECT count(*) FROM instance_lease WHERE holder_id = '" + holderId + "' "
                + "AND acquired_at < to_timestamp(" + epochMillis + " / 1000.0)") == 1;
    }
}
