package dev.botops.bot;

import dev.botops.bot.telegram.BotToken;
import dev.botops.config.Settings;
import dev.botops.config.SettingsLoader;
import dev.botops.db.ConnectionTarget;
import dev.botops.db.Database;
import dev.botops.monitor.AlertSink;
import dev.botops.monitor.Severity;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** A bot in a process of its own, so that a test can kill it (SIGKILL) at an exact moment. */
public final class BotProcessMain {
    private BotProcessMain() {
    }

    /** Arguments: JDBC URL, database user, password, Bot API URL, bot token. */
    public static void main(String[] args) throws InterruptedException {
        Settings settings = SettingsLoader.fromProperties(Map.of("bot.market-tick", "1h", "bot.lease-ttl", "2s",
                "app.instance-name", "child", "app.data-dir", System.getProperty("java.io.tmpdir")));
        Database db = new Database(settings, new ConnectionTarget(args[0], args[1], args[2], "child database", false));
        AlertSink alerts = new AlertSink() {
            @Override
            public void raise(String ruleId, Severity severity, String message, String hint) {
                System.out.println("ALERT " + ruleId + " " + message);
            }

            @Override
            public void resolve(String ruleId) {
                System.out.println("RESOLVED " + ruleId);
            }
        };
        BotService bot = new BotService(BotConfig.from(settings, new BotToken(args[4]), args[3]), db, alerts);
        bot.start();
        System.out.println("CHILD STARTED");
        new CountDownLatch(1).await();
    }
}
