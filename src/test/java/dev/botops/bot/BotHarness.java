package dev.botops.bot;

import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.EmulatorOptions;
import dev.botops.bot.emulator.FloodLimits;
import dev.botops.bot.emulator.SentMessage;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.bot.telegram.BotToken;
import dev.botops.config.Settings;
import dev.botops.db.Database;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The bot end to end for tests: the emulator, a real PostgreSQL database and bot services (real TelegramBots
 * client) pointed at them. Several services share the emulator and the database, as several app instances
 * would share Telegram and PostgreSQL.
 */
public final class BotHarness implements AutoCloseable {
    public static final BotToken TOKEN = new BotToken("424242:harness-token-aaaaaaaaaaaaaaaaaaaaaaaaaaaa");

    private final TestDatabase testDb;
    private final BotApiEmulator emulator;
    private final Map<String, String> overrides;
    private final java.util.List<AutoCloseable> owned = new java.util.ArrayList<>();
    public final RecordingAlertSink alerts = new RecordingAlertSink();

    private BotHarness(TestDatabase testDb, BotApiEmulator emulator, Map<String, String> overrides) {
        this.testDb = testDb;
        this.emulator = emulator;
        this.overrides = overrides;
    }

    /**
     * An emulator with the given flood limits, and settings with a quiet market and a short lease. Leases left
     * by an earlier test's instances are cleared, so the first instance started here becomes active at once.
     */
    public static BotHarness start(TestDatabase testDb, FloodLimits limits, Map<String, String> overrides) {
        try (Connection c = testDb.admin().getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM instance_lease");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> all = new HashMap<>();
        all.put("bot.market-tick", "1h");
        all.put("bot.lease-ttl", "2s");
        all.put("database.retry.initial-delay", "50ms");
        all.put("database.retry.max-delay", "500ms");
        all.putAll(overrides);
        BotApiEmulator emulator = BotApiEmulator.start(TOKEN.value(), EmulatorOptions.DEFAULTS.withFloodLimits(limits)
                .withFirstUpdateId(firstFreeUpdateId(testDb)));
        return new BotHarness(testDb, emulator, all);
    }

    private static long firstFreeUpdateId(TestDatabase testDb) {
        try (Database db = testDb.newDatabase()) {
            return Sandbox.firstFreeUpdateId(db);
        }
    }

    public BotApiEmulator emulator() {
        return emulator;
    }

    public Settings settings(Map<String, String> extra) {
        Map<String, String> all = new HashMap<>(overrides);
        all.putAll(extra);
        return testDb.settings(all);
    }

    /** A database pool of its own, closed with the harness. */
    public Database database(Map<String, String> extra) {
        Map<String, String> all = new HashMap<>(overrides);
        all.putAll(extra);
        Database db = testDb.newDatabase(all);
        owned.add(0, db);
        return db;
    }

    /** A started bot service (one app instance), closed with the harness unless closed before. */
    public BotService startBot(String instanceName, UnaryOperator<BotConfig> adjust) {
        BotService bot = newBot(instanceName, adjust);
        bot.start();
        return bot;
    }

    /** A bot service not started yet, so that listeners can be added before its first heartbeat; closed with the harness. */
    public BotService newBot(String instanceName, UnaryOperator<BotConfig> adjust) {
        Database db = database(Map.of("app.instance-name", instanceName));
        BotConfig config = adjust.apply(BotConfig.from(settings(Map.of("app.instance-name", instanceName)), TOKEN, emulator.baseUrl()));
        BotService bot = new BotService(config, db, alerts);
        owned.add(0, bot);
        return bot;
    }

    /** A user writes; waits for the bot's next reply in that chat and returns it. */
    public String ask(long userId, String text) {
        int before = emulator.sentTo(userId).size();
        emulator.post(UserMessage.privateChat(userId, "User" + userId, text));
        await().atMost(Duration.ofSeconds(20)).until(() -> emulator.sentTo(userId).size() > before);
        List<SentMessage> replies = emulator.sentTo(userId);
        return replies.get(before).text();
    }

    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        emulator.close();
    }
}
