package dev.botops.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.BotService;
import dev.botops.bot.BotState;
import dev.botops.bot.LoggingAlertSink;
import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Without a token the app runs the bot against its sandbox emulator; closing stops the bot before the pool. */
@ExtendWith(PostgresExtension.class)
class AppContextBotTest {
    @Test
    void withoutATokenTheBotAnswersInTheSandboxAndStopsBeforeThePool(TestDatabase testDb) throws SQLException {
        AppContext context = AppContext.start(testDb.settings(Map.of("bot.market-tick", "1h", "bot.lease-ttl", "2s")));
        BotService bot;
        BotApiEmulator sandbox;
        try {
            bot = context.startBot(new LoggingAlertSink());
            sandbox = context.sandbox().orElseThrow();
            await().until(() -> bot.status().state() == BotState.POLLING);
            assertThat(bot.status().sandbox()).isTrue();

            sandbox.post(UserMessage.privateChat(1, "Operator", "/price AAPL"));

            await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.sentTo(1).size() == 1);
            assertThat(sandbox.sentTo(1).get(0).text()).isEqualTo("AAPL: $190.00");
        } finally {
            context.close();
        }
        assertThat(bot.status().state()).isEqualTo(BotState.STOPPED);
        try (Connection c = testDb.admin().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM bot_offsets WHERE next_offset > 1")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }
}
