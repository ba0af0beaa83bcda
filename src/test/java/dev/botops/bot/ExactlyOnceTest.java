package dev.botops.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.emulator.SentMessage;
import dev.botops.bot.emulator.UserMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An update is applied exactly once: across a process killed between commit and offset confirmation, and
 * across database backends terminated in the middle of a trade. A user row held locked by the test pins
 * the bot at the exact moment wanted.
 */
@Tag("core")
class ExactlyOnceTest {
    @RegisterExtension
    final BotFixture fixture = new BotFixture();

    @Test
    void aTradeCommittedBeforeAKillIsNotAppliedAgainWhenRedelivered() throws Exception {
        Path log = Files.createTempFile("bot-child", ".log");
        Process child = startChild(log);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("CHILD STARTED")
                    && fixture.emulator().openPolls() == 1);
            fixture.ask(21, "/start");
            fixture.ask(22, "/start");
            try (Connection lock = fixture.testDb().admin().getConnection()) {
                lock.setAutoCommit(false);
                lock.createStatement().execute("SELECT * FROM users WHERE user_id = 22 FOR UPDATE");
                List<Long> ids = fixture.emulator().postAll(List.of(UserMessage.privateChat(21, "U21", "/buy AAPL 1"),
                        UserMessage.privateChat(22, "U22", "/buy AAPL 1")));
                // User 21's trade commits; user 22's waits for the lock, so the batch (and its offset) is unfinished.
                await().atMost(Duration.ofSeconds(10)).until(() -> fixture.count("SELECT count(*) FROM trades WHERE user_id = 21") == 1);
                assertThat(fixture.count("SELECT coalesce(max(next_offset), 0) FROM bot_offsets")).isLessThanOrEqualTo(ids.get(0));

                child.destroyForcibly().waitFor();
                lock.rollback();

                BotService survivor = fixture.startBot("survivor");
                await().atMost(Duration.ofSeconds(15)).until(() -> fixture.count("SELECT count(*) FROM trades WHERE user_id = 22") == 1);
                await().until(() -> fixture.emulator().confirmedBelow() > ids.get(1));
                assertThat(survivor.status().state()).isEqualTo(BotState.POLLING);
            }
            assertThat(fixture.count("SELECT count(*) FROM trades WHERE user_id = 21")).isEqualTo(1);
            assertThat(fixture.count("SELECT balance FROM users WHERE user_id = 21")).isEqualTo(9810);
            assertThat(fixture.count("SELECT balance FROM users WHERE user_id = 22")).isEqualTo(9810);
            await().until(() -> fixture.emulator().sentTo(22).size() == 2);
            // At-least-once replies: the redelivered update's stored reply may be sent again, always the same text.
            assertThat(fixture.emulator().sentTo(21)).extracting(SentMessage::text).element(1)
                    .isEqualTo("Bought 1 AAPL at $190.00 for $190.00. Cash left: $9,810.00.");
            assertThat(fixture.emulator().sentTo(21).subList(1, fixture.emulator().sentTo(21).size()))
                    .extracting(SentMessage::text).containsOnly("Bought 1 AAPL at $190.00 for $190.00. Cash left: $9,810.00.");
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aTradeInterruptedByTerminatedBackendsIsAppliedOnceWithOneReply() throws Exception {
        tradeInterruptedByTerminatedBackendsIsAppliedOnceWithOneReply(fixture);
    }

    /**
     * A trade whose backends are terminated while it waits for a row lock is applied once, with one reply. Shared with
     * {@link ExactlyOnceThroughPoolerTest}, where the backends are the pooler's server connections.
     */
    static void tradeInterruptedByTerminatedBackendsIsAppliedOnceWithOneReply(BotFixture fixture) throws Exception {
        fixture.pollingBot("outage");
        fixture.ask(31, "/start");
        try (Connection lock = fixture.testDb().admin().getConnection(); Connection killer = fixture.testDb().admin().getConnection()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("SELECT * FROM users WHERE user_id = 31 FOR UPDATE");
            fixture.emulator().post(UserMessage.privateChat(31, "U31", "/buy AAPL 1"));
            await().until(() -> fixture.count("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'botops:bot' "
                    + "AND wait_event_type = 'Lock'") == 1);

            try (ResultSet rs = killer.createStatement().executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    + "WHERE application_name LIKE 'botops%' AND datname = current_database()")) {
                rs.next();
                assertThat(rs.getInt(1)).isPositive();
            }
            lock.rollback();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> fixture.emulator().sentTo(31).size() == 2);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> fixture.emulator().sentTo(31).size() == 2);
        assertThat(fixture.emulator().sentTo(31).get(1).text()).isEqualTo("Bought 1 AAPL at $190.00 for $190.00. Cash left: $9,810.00.");
        assertThat(fixture.count("SELECT count(*) FROM trades WHERE user_id = 31")).isEqualTo(1);
        assertThat(fixture.count("SELECT balance FROM users WHERE user_id = 31")).isEqualTo(9810);
    }

    private Process startChild(Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), BotProcessMain.class.getName(),
                fixture.testDb().jdbcUrl(), user(), password(), fixture.emulator().baseUrl(), BotHarness.TOKEN.value());
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return pb.start();
    }

    private String user() {
        return dev.botops.config.DatabaseUrl.parse(fixture.testDb().databaseUrl()).user();
    }

    private String password() {
        String p = dev.botops.config.DatabaseUrl.parse(fixture.testDb().databaseUrl()).password();
        return p == null ? "" : p;
    }

}
