package dev.botops.bot.trading;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.bot.BotHarness;
import dev.botops.bot.BotService;
import dev.botops.bot.BotState;
import dev.botops.bot.SendLimits;
import dev.botops.bot.emulator.FloodLimits;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every command's happy path and every bad-input case, end to end: a user writes in the emulator, the bot
 * (real TelegramBots client) polls, PostgreSQL records, the reply comes back. Sends are unthrottled here:
 * flood limits have their own tests.
 */
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TradingCommandsEndToEndTest {
    private static final String SYMBOLS = "AAPL, AMZN, BTC, ETH, GOOG, MSFT, NVDA, TSLA";
    private final AtomicLong users = new AtomicLong(1000);
    private TestDatabase testDb;
    private BotHarness harness;
    private BotService bot;

    @BeforeAll
    void startBot(TestDatabase testDb) {
        this.testDb = testDb;
        harness = BotHarness.start(testDb, FloodLimits.NONE, Map.of());
        bot = harness.startBot("trading", config -> config.withSendLimits(SendLimits.UNLIMITED));
        await().until(() -> bot.status().state() == BotState.POLLING && !bot.status().botUsername().isEmpty());
    }

    @AfterAll
    void stopBot() {
        harness.close();
    }

    private long newUser() {
        return users.incrementAndGet();
    }

    private long registeredUser() {
        long user = newUser();
        harness.ask(user, "/start");
        return user;
    }

    @Test
    void startOpensAnAccountWithTheStartingBalance() throws SQLException {
        long user = newUser();
        assertThat(harness.ask(user, "/start")).isEqualTo("Welcome to paper trading, User" + user + "! You have $10,000.00 in "
                + "virtual cash. Try /price AAPL, then /buy AAPL 1. /help lists every command.");
        assertThat(account(user)).isEqualTo("cash=10000.0000 positions=[] trades=0");
    }

    @Test
    void startAgainKeepsTheAccount() throws SQLException {
        long user = registeredUser();
        harness.ask(user, "/buy AAPL 1");
        assertThat(harness.ask(user, "/start")).isEqualTo("You already have an account. Cash: $9,810.00. /help lists every command.");
        assertThat(account(user)).isEqualTo("cash=9810.0000 positions=[AAPL:1.00000000@190.0000] trades=1");
    }

    @Test
    void helpListsEveryCommand() {
        assertThat(harness.ask(newUser(), "/help")).isEqualTo(TradingCommands.HELP).contains("/price", "/buy", "/sell", "/portfolio",
                "/history", "/balance");
    }

    @Test
    void priceShowsTheCurrentPriceInAnyCase() {
        assertThat(harness.ask(newUser(), "/price aapl")).isEqualTo("AAPL: $190.00");
    }

    @Test
    void buyPaysFromCashAndOpensAPosition() throws SQLException {
        long user = registeredUser();
        assertThat(harness.ask(user, "/buy AAPL 2")).isEqualTo("Bought 2 AAPL at $190.00 for $380.00. Cash left: $9,620.00.");
        assertThat(account(user)).isEqualTo("cash=9620.0000 positions=[AAPL:2.00000000@190.0000] trades=1");
    }

    @Test
    void fractionalBuyIsExact() throws SQLException {
        long user = registeredUser();
        assertThat(harness.ask(user, "/buy BTC 0.05")).isEqualTo("Bought 0.05 BTC at $60,000.00 for $3,000.00. Cash left: $7,000.00.");
        assertThat(account(user)).isEqualTo("cash=7000.0000 positions=[BTC:0.05000000@60000.0000] trades=1");
    }

    @Test
    void sellReturnsCashAndKeepsTheRest() throws SQLException {
        long user = registeredUser();
        harness.ask(user, "/buy AAPL 2");
        assertThat(harness.ask(user, "/sell AAPL 0.5")).isEqualTo("Sold 0.5 AAPL at $190.00 for $95.00. Cash now: $9,715.00.");
        assertThat(account(user)).isEqualTo("cash=9715.0000 positions=[AAPL:1.50000000@190.0000] trades=2");
    }

    @Test
    void sellingEverythingClosesThePosition() throws SQLException {
        long user = registeredUser();
        harness.ask(user, "/buy TSLA 3");
        assertThat(harness.ask(user, "/sell tsla 3")).isEqualTo("Sold 3 TSLA at $250.00 for $750.00. Cash now: $10,000.00.");
        assertThat(account(user)).isEqualTo("cash=10000.0000 positions=[] trades=2");
    }

    @Test
    void portfolioShowsPositionsValueAndProfitAndLoss() {
        long user = registeredUser();
        harness.ask(user, "/buy AAPL 2");
        harness.ask(user, "/buy BTC 0.05");
        assertThat(harness.ask(user, "/portfolio")).isEqualTo(String.join("\n",
                "Your portfolio:",
                "AAPL 2 @ avg $190.00, now $190.00 = $380.00 (P&L +$0.00)",
                "BTC 0.05 @ avg $60,000.00, now $60,000.00 = $3,000.00 (P&L +$0.00)",
                "Cash: $6,620.00",
                "Total: $10,000.00 (P&L +$0.00 since start)"));
    }

    @Test
    void portfolioWithoutPositionsSaysSo() {
        assertThat(harness.ask(registeredUser(), "/portfolio")).isEqualTo("No positions yet. Cash: $10,000.00. Try /buy AAPL 1.");
    }

    @Test
    void historyListsTheLastTradesNewestFirst() {
        long user = registeredUser();
        harness.ask(user, "/buy AAPL 2");
        harness.ask(user, "/sell AAPL 1");
        harness.ask(user, "/buy MSFT 1");
        assertThat(harness.ask(user, "/history 2")).matches("Your last 2 trades:\n"
                + "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d BUY 1 MSFT @ \\$420.00 \\(\\$420.00\\)\n"
                + "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d SELL 1 AAPL @ \\$190.00 \\(\\$190.00\\)");
        assertThat(harness.ask(user, "/history").split("\n")).hasSize(4);
    }

    @Test
    void historyWithoutTradesSaysSo() {
        assertThat(harness.ask(registeredUser(), "/history")).isEqualTo("No trades yet. Try /buy AAPL 1.");
    }

    @Test
    void balanceShowsCash() {
        assertThat(harness.ask(registeredUser(), "/balance")).isEqualTo("Cash: $10,000.00.");
    }

    @Test
    void commandsWorkWithTheBotNameSuffixInAnyCase() {
        long user = registeredUser();
        assertThat(harness.ask(user, "/BUY@BotOps_Sandbox_Bot aapl 1")).isEqualTo("Bought 1 AAPL at $190.00 for $190.00. Cash left: $9,810.00.");
        assertThat(harness.ask(user, "/Balance@botops_sandbox_bot")).isEqualTo("Cash: $9,810.00.");
    }

    @Test
    void aCommandForAnotherBotIsNotAnswered() {
        long user = registeredUser();
        long ignored = harness.emulator().post(UserMessage.privateChat(user, "U", "/price@other_bot AAPL"));
        assertThat(harness.ask(user, "/balance")).isEqualTo("Cash: $10,000.00.");
        assertThat(storedReply(ignored)).isEqualTo("<null>");
    }

    @Test
    void tradingBeforeStartAsksToStart() throws SQLException {
        long user = newUser();
        assertThat(harness.ask(user, "/buy AAPL 1")).isEqualTo("You don't have an account yet. Send /start to open one.");
        assertThat(account(user)).isEqualTo("no account");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "/buy|Usage: /buy SYMBOL QTY, e.g. /buy AAPL 2.",
            "/buy AAPL|Usage: /buy SYMBOL QTY, e.g. /buy AAPL 2.",
            "/sell|Usage: /sell SYMBOL QTY, e.g. /sell AAPL 1.",
            "/buy AAPL 1 2|Too many arguments. Usage: /buy SYMBOL QTY, e.g. /buy AAPL 2.",
            "/buy AAPL 0|The quantity must be more than zero.",
            "/buy AAPL 0.00|The quantity must be more than zero.",
            "/buy AAPL -3|The quantity must be positive, not -3.",
            "/sell AAPL -1|The quantity must be positive, not -1.",
            "/buy AAPL abc|\"abc\" is not a quantity. Use a number such as 2 or 0.5.",
            "/buy AAPL 1e3|\"1e3\" is not a quantity. Use a number such as 2 or 0.5.",
            "/buy AAPL ١|\"١\" is not a quantity. Use a number such as 2 or 0.5.",
            "/buy AAPL 1.005|Quantities have at most 2 decimal places; 1.005 has more.",
            "/buy AAPL 1000001|That quantity is too large: at most 1,000,000 per order.",
            "/buy AAPL 99999999999999999999999999999999999999|That quantity is too large: at most 1,000,000 per order.",
            "/buy XYZ 1|Unknown symbol \"XYZ\". Symbols: " + SYMBOLS + ".",
            "/buy 🚀 1|Unknown symbol \"🚀\". Symbols: " + SYMBOLS + ".",
            "/price|Usage: /price SYMBOL, e.g. /price AAPL. Symbols: " + SYMBOLS + ".",
            "/price AAPL MSFT|Too many arguments. Usage: /price SYMBOL, e.g. /price AAPL. Symbols: " + SYMBOLS + ".",
            "/price ';DROP|Unknown symbol \"';DROP\". Symbols: " + SYMBOLS + ".",
            "/buy AAPL'); DROP TABLE users; -- 1|Too many arguments. Usage: /buy SYMBOL QTY, e.g. /buy AAPL 2.",
            "/history 0|N must be a whole number from 1 to 50, not \"0\".",
            "/history 51|N must be a whole number from 1 to 50, not \"51\".",
            "/history many|N must be a whole number from 1 to 50, not \"many\".",
            "/history 1 2|Too many arguments. Usage: /history [N], e.g. /history 5.",
            "/balance now|Too many arguments. Usage: /balance (no arguments).",
            "/frobnicate|Unknown command /frobnicate. /help lists every command.",
            "hello there|I only understand commands. /help lists them.",
            "Привет, бот! 👋|I only understand commands. /help lists them."
    })
    void badInputGetsASpecificReplyAndChangesNothing(String text, String expected) throws SQLException {
        long user = registeredUser();
        harness.ask(user, "/buy AAPL 2");
        String before = account(user);
        assertThat(harness.ask(user, text)).isEqualTo(expected);
        assertThat(account(user)).isEqualTo(before);
    }

    @Test
    void buyingMoreThanTheCashAllowsIsRefused() throws SQLException {
        long user = registeredUser();
        assertThat(harness.ask(user, "/buy AAPL 100"))
                .isEqualTo("Not enough cash: 100 AAPL at $190.00 costs $19,000.00, but you have $10,000.00.");
        assertThat(account(user)).isEqualTo("cash=10000.0000 positions=[] trades=0");
    }

    @Test
    void sellingWhatIsNotHeldIsRefused() throws SQLException {
        long user = registeredUser();
        assertThat(harness.ask(user, "/sell AAPL 1")).isEqualTo("You have no AAPL to sell.");
        harness.ask(user, "/buy AAPL 2");
        String before = account(user);
        assertThat(harness.ask(user, "/sell AAPL 5")).isEqualTo("You only have 2 AAPL; you cannot sell 5.");
        assertThat(account(user)).isEqualTo(before);
    }

    @Test
    void aVeryLongMessageIsAnsweredBriefly() throws SQLException {
        long user = registeredUser();
        String before = account(user);
        String reply = harness.ask(user, "/buy AAPL " + "9".repeat(4000));
        assertThat(reply).isEqualTo("That quantity is too large: at most 1,000,000 per order.");
        assertThat(harness.ask(user, "/buy " + "A".repeat(4000) + " 1")).isEqualTo("Unknown symbol \"" + "A".repeat(20) + "…\". Symbols: "
                + SYMBOLS + ".");
        assertThat(account(user)).isEqualTo(before);
    }

    @Test
    void injectionLookingTextIsStoredAsPlainText() throws SQLException {
        long user = registeredUser();
        String text = "'; DROP TABLE users; --";
        assertThat(harness.ask(user, text)).isEqualTo("I only understand commands. /help lists them.");
        try (Connection c = testDb.admin().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM message_log WHERE user_id = ? AND text = ?")) {
            ps.setLong(1, user);
            ps.setString(2, text);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
        assertThat(account(user)).startsWith("cash=10000.0000");
    }

    @Test
    void editedMessagesAndMessagesWithoutTextAreIgnored() throws SQLException {
        long user = registeredUser();
        long updatesBefore = bot.status().updates();
        long errorsBefore = bot.status().errors();
        harness.emulator().postEdit(UserMessage.privateChat(user, "U", "/buy AAPL 1"));
        harness.emulator().postLocation(user, user, "U");
        assertThat(harness.ask(user, "/balance")).isEqualTo("Cash: $10,000.00.");
        assertThat(harness.emulator().sentTo(user)).hasSize(2);
        assertThat(bot.status().updates()).isEqualTo(updatesBefore + 3);
        assertThat(bot.status().errors()).isEqualTo(errorsBefore);
        assertThat(account(user)).isEqualTo("cash=10000.0000 positions=[] trades=0");
    }

    private String storedReply(long updateId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> query("SELECT count(*) FROM processed_updates WHERE update_id = " + updateId).equals("1"));
        return query("SELECT coalesce(reply, '<null>') FROM processed_updates WHERE update_id = " + updateId);
    }

    private String query(String sql) {
        try (Connection c = testDb.admin().getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The user's account as one comparable line: cash, positions, number of trades. */
    private String account(long user) throws SQLException {
        try (Connection c = testDb.admin().getConnection()) {
            String cash;
            try (PreparedStatement ps = c.prepareStatement("SELECT balance FROM users WHERE user_id = ?")) {
                ps.setLong(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return "no account";
                    }
                    cash = rs.getBigDecimal(1).toPlainString();
                }
            }
            StringBuilder positions = new StringBuilder();
            try (PreparedStatement ps = c.prepareStatement("SELECT symbol, quantity, avg_price FROM positions WHERE user_id = ? ORDER BY symbol")) {
                ps.setLong(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        positions.append(positions.length() == 0 ? "" : ",").append(rs.getString(1)).append(':')
                                .append(rs.getBigDecimal(2).toPlainString()).append('@').append(rs.getBigDecimal(3).toPlainString());
                    }
                }
            }
            int trades;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM trades WHERE user_id = ?")) {
                ps.setLong(1, user);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    trades = rs.getInt(1);
                }
            }
            return "cash=" + cash + " positions=[" + positions + "] trades=" + trades;
        }
    }
}
