package dev.botops.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.BotService;
import dev.botops.bot.BotState;
import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.maintenance.Outcome;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.RunRequest;
import dev.botops.maintenance.Trigger;
import dev.botops.testing.PgBouncer;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole app started on a database it has never seen, through PgBouncer in transaction mode with the pooler's
 * plain URL, as a hosted plan's pooled URL is used: it installs its schema, monitors, trades and cleans up.
 */
@Tag("pooler")
@Tag("core")
@ExtendWith(PostgresExtension.class)
class AppBehindPoolerTest {

    @Test
    void theAppStartsMonitorsTradesAndCleansUpThroughATransactionModePooler(TestDatabase testDb) throws Exception {
        TestDatabase empty = testDb.emptySibling("app_pooler");
        try (PgBouncer bouncer = PgBouncer.in(empty).start();
             AppContext context = AppContext.start(bouncer.settings(Map.of("bot.market-tick", "1h", "http.enabled", "false",
                     "maintenance.scheduler-enabled", "false")))) {
            assertThat(context.settings().string(dev.botops.config.ConfigKey.DATABASE_URL)).isEqualTo(bouncer.databaseUrl());
            context.startBackgroundServices();
            await().atMost(Duration.ofSeconds(20)).until(() -> context.monitor().latest().map(s -> s.reachable()).orElse(false));

            BotService bot = context.startBot(context.alerts());
            BotApiEmulator sandbox = context.sandbox().orElseThrow();
            await().atMost(Duration.ofSeconds(20)).until(() -> bot.status().state() == BotState.POLLING);
            sandbox.post(UserMessage.privateChat(77, "U77", "/start"));
            sandbox.post(UserMessage.privateChat(77, "U77", "/buy AAPL 1"));
            await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.sentTo(77).size() == 2);
            assertThat(sandbox.sentTo(77).get(1).text()).startsWith("Bought 1 AAPL");

            RunReport report = context.maintenance().start(RunRequest.cleanup(false), Trigger.MANUAL, "test").completion()
                    .get(2, TimeUnit.MINUTES);
            assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
            try (Connection c = empty.admin().getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM botops.trades WHERE user_id = 77")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        } finally {
            empty.drop();
        }
    }
}
