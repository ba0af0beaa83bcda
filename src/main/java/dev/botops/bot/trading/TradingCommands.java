package dev.botops.bot.trading;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The paper-trading commands. {@link #reply} runs inside the caller's transaction (one per update): it
 * locks the user's row before reading or changing the account, so concurrent updates of one user apply in
 * turn. Bad input gets a specific reply and changes nothing.
 */
public final class TradingCommands {
    static final String HELP = String.join("\n",
            "Paper trading on a simulated market (no real money).",
            "/price SYMBOL – current price, e.g. /price AAPL",
            "/buy SYMBOL QTY – buy, e.g. /buy AAPL 2 or /buy BTC 0.05",
            "/sell SYMBOL QTY – sell, e.g. /sell AAPL 1",
            "/portfolio – positions, value, profit and loss",
            "/history [N] – your last N trades (default 10, at most 50)",
            "/balance – your cash",
            "Symbols: " + String.join(", ", MarketSimulator.symbols()) + ".");
    static final String NO_ACCOUNT = "You don't have an account yet. Send /start to open one.";
    static final String NOT_A_COMMAND = "I only understand commands. /help lists them.";
    private static final int DEFAULT_HISTORY = 10;
    private static final int MAX_HISTORY = 50;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private final MarketSimulator market;
    private final BigDecimal startingBalance;
    private final Supplier<String> botUsername;

    public TradingCommands(MarketSimulator market, BigDecimal startingBalance, Supplier<String> botUsername) {
        this.market = market;
        this.startingBalance = startingBalance;
        this.botUsername = botUsername;
    }

    /** The reply to a message, or {@code null} when the message is not for this bot. */
    public String reply(Connection c, IncomingMessage m) throws SQLException {
        CommandText command = CommandText.parse(m.text());
        if (!command.isCommand()) {
            return NOT_A_COMMAND;
        }
        if (command.addressedToOtherThan(botUsername.get())) {
            return null;
        }
        List<String> args = command.args();
        switch (command.command()) {
            case "start":
                return args.isEmpty() ? start(c, m) : usage("/start", "");
            case "help":
                return HELP;
            case "price":
                return args.size() == 1 ? price(args.get(0)) : usage("/price", args.isEmpty() ? "" : "Too many arguments. ");
            case "buy":
            case "sell":
                if (args.size() != 2) {
                    return usage("/" + command.command(), args.size() > 2 ? "Too many arguments. " : "");
                }
                return trade(c, m, command.command().equals("buy"), args.get(0), args.get(1));
            case "portfolio":
                return args.isEmpty() ? portfolio(c, m) : usage("/portfolio", "Too many arguments. ");
            case "history":
                return args.size() <= 1 ? history(c, m, args) : usage("/history", "Too many arguments. ");
            case "balance":
                return args.isEmpty() ? balance(c, m) : usage("/balance", "Too many arguments. ");
            default:
                return "Unknown command /" + OrderInput.echo(command.command()) + ". /help lists every command.";
        }
    }

    private static String usage(String command, String prefix) {
        switch (command) {
            case "/price":
                return prefix + "Usage: /price SYMBOL, e.g. /price AAPL. Symbols: " + String.join(", ", MarketSimulator.symbols()) + ".";
            case "/buy":
                return prefix + "Usage: /buy SYMBOL QTY, e.g. /buy AAPL 2.";
            case "/sell":
                return prefix + "Usage: /sell SYMBOL QTY, e.g. /sell AAPL 1.";
            case "/history":
                return prefix + "Usage: /history [N], e.g. /history 5.";
            default:
                return "Too many arguments. Usage: " + command + " (no arguments).";
        }
    }

    private String start(Connection c, IncomingMessage m) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (user_id, chat_id, username, balance) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (user_id) DO NOTHING")) {
            ps.setLong(1, m.userId());
            ps.setLong(2, m.chatId());
            ps.setString(3, m.firstName());
            ps.setBigDecimal(4, startingBalance);
            if (ps.executeUpdate() == 1) {
                return "Welcome to paper trading, " + OrderInput.echo(m.firstName()) + "! You have "
                        + Money.dollars(startingBalance) + " in virtual cash. Try /price AAPL, then /buy AAPL 1. "
                        + "/help lists every command.";
            }
        }
        Optional<BigDecimal> cash = lockAccount(c, m.userId());
        return "You already have an account. Cash: " + Money.dollars(cash.orElse(BigDecimal.ZERO)) + ". /help lists every command.";
    }

    private String price(String symbolText) {
        Optional<String> symbol = OrderInput.symbol(symbolText);
        if (symbol.isEmpty()) {
            return OrderInput.unknownSymbol(symbolText);
        }
        return symbol.get() + ": " + Money.dollars(market.price(symbol.get()).orElseThrow());
    }

    private String trade(Connection c, IncomingMessage m, boolean buy, String symbolText, String quantityText) throws SQLException {
        Optional<String> symbol = OrderInput.symbol(symbolText);
        if (symbol.isEmpty()) {
            return OrderInput.unknownSymbol(symbolText);
        }
        OrderInput.Quantity quantity = OrderInput.quantity(quantityText);
        if (!quantity.valid()) {
            return quantity.problem();
        }
        Optional<BigDecimal> cash = lockAccount(c, m.userId());
        if (cash.isEmpty()) {
            return NO_ACCOUNT;
        }
        BigDecimal price = market.price(symbol.get()).orElseThrow();
        BigDecimal qty = quantity.value();
        BigDecimal amount = price.multiply(qty);
        BigDecimal held = heldQuantity(c, m.userId(), symbol.get());
        String what = Money.quantity(qty) + " " + symbol.get();
        BigDecimal newCash;
        if (buy) {
            if (amount.compareTo(cash.get()) > 0) {
                return "Not enough cash: " + what + " at " + Money.dollars(price) + " costs " + Money.dollars(amount)
                        + ", but you have " + Money.dollars(cash.get()) + ".";
            }
            newCash = cash.get().subtract(amount);
            addToPosition(c, m.userId(), symbol.get(), qty, price);
        } else {
            if (held.signum() == 0) {
                return "You have no " + symbol.get() + " to sell.";
            }
            if (qty.compareTo(held) > 0) {
                return "You only have " + Money.quantity(held) + " " + symbol.get() + "; you cannot sell " + Money.quantity(qty) + ".";
            }
            newCash = cash.get().add(amount);
            removeFromPosition(c, m.userId(), symbol.get(), held.subtract(qty));
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE users SET balance = ? WHERE user_id = ?")) {
            ps.setBigDecimal(1, newCash);
            ps.setLong(2, m.userId());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO trades (user_id, update_id, symbol, side, quantity, price, amount) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, m.userId());
            ps.setLong(2, m.updateId());
            ps.setString(3, symbol.get());
            ps.setString(4, buy ? "BUY" : "SELL");
            ps.setBigDecimal(5, qty);
            ps.setBigDecimal(6, price);
            ps.setBigDecimal(7, amount);
            ps.executeUpdate();
        }
        return buy
                ? "Bought " + what + " at " + Money.dollars(price) + " for " + Money.dollars(amount) + ". Cash left: " + Money.dollars(newCash) + "."
                : "Sold " + what + " at " + Money.dollars(price) + " for " + Money.dollars(amount) + ". Cash now: " + Money.dollars(newCash) + ".";
    }

    /** Locks the user's row for this transaction and returns the cash, or empty without an account. */
    private static Optional<BigDecimal> lockAccount(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT balance FROM users WHERE user_id = ? FOR UPDATE")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBigDecimal(1)) : Optional.empty();
            }
        }
    }

    private static BigDecimal heldQuantity(Connection c, long userId, String symbol) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT quantity FROM positions WHERE user_id = ? AND symbol = ?")) {
            ps.setLong(1, userId);
            ps.setString(2, symbol);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getBigDecimal(1) : BigDecimal.ZERO;
            }
        }
    }

    private static void addToPosition(Connection c, long userId, String symbol, BigDecimal qty, BigDecimal price) throws SQLException {
        // The new average price is the quantity-weighted mean of the old average and this fill.
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO positions (user_id, symbol, quantity, avg_price) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (user_id, symbol) DO UPDATE SET "
                + "avg_price = round((positions.quantity * positions.avg_price + EXCLUDED.quantity * EXCLUDED.avg_price) "
                + "/ (positions.quantity + EXCLUDED.quantity), 4), "
                + "quantity = positions.quantity + EXCLUDED.quantity, updated_at = now()")) {
            ps.setLong(1, userId);
            ps.setString(2, symbol);
            ps.setBigDecimal(3, qty);
            ps.setBigDecimal(4, price);
            ps.executeUpdate();
        }
    }

    private static void removeFromPosition(Connection c, long userId, String symbol, BigDecimal remaining) throws SQLException {
        String sql = remaining.signum() == 0
                ? "DELETE FROM positions WHERE user_id = ? AND symbol = ?"
                : "UPDATE positions SET quantity = ?, updated_at = now() WHERE user_id = ? AND symbol = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (remaining.signum() != 0) {
                ps.setBigDecimal(i++, remaining);
            }
            ps.setLong(i++, userId);
            ps.setString(i, symbol);
            ps.executeUpdate();
        }
    }

    private String portfolio(Connection c, IncomingMessage m) throws SQLException {
        Optional<BigDecimal> cash = lockAccount(c, m.userId());
        if (cash.isEmpty()) {
            return NO_ACCOUNT;
        }
        StringBuilder lines = new StringBuilder();
        BigDecimal positionsValue = BigDecimal.ZERO;
        try (PreparedStatement ps = c.prepareStatement("SELECT symbol, quantity, avg_price FROM positions WHERE user_id = ? ORDER BY symbol")) {
            ps.setLong(1, m.userId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String symbol = rs.getString(1);
                    BigDecimal qty = rs.getBigDecimal(2);
                    BigDecimal avg = rs.getBigDecimal(3);
                    BigDecimal now = market.price(symbol).orElse(avg);
                    BigDecimal value = now.multiply(qty);
                    BigDecimal pnl = now.subtract(avg).multiply(qty);
                    positionsValue = positionsValue.add(value);
                    lines.append(symbol).append(' ').append(Money.quantity(qty)).append(" @ avg ").append(Money.dollars(avg))
                            .append(", now ").append(Money.dollars(now)).append(" = ").append(Money.dollars(value))
                            .append(" (P&L ").append(Money.signedDollars(pnl)).append(")\n");
                }
            }
        }
        if (lines.length() == 0) {
            return "No positions yet. Cash: " + Money.dollars(cash.get()) + ". Try /buy AAPL 1.";
        }
        BigDecimal total = positionsValue.add(cash.get());
        return "Your portfolio:\n" + lines + "Cash: " + Money.dollars(cash.get()) + "\nTotal: " + Money.dollars(total)
                + " (P&L " + Money.signedDollars(total.subtract(startingBalance)) + " since start)";
    }

    private String history(Connection c, IncomingMessage m, List<String> args) throws SQLException {
        int limit = DEFAULT_HISTORY;
        if (!args.isEmpty()) {
            String text = args.get(0);
            if (!text.matches("\\d{1,3}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > MAX_HISTORY) {
                return "N must be a whole number from 1 to " + MAX_HISTORY + ", not \"" + OrderInput.echo(text) + "\".";
            }
            limit = Integer.parseInt(text);
        }
        if (lockAccount(c, m.userId()).isEmpty()) {
            return NO_ACCOUNT;
        }
        StringBuilder lines = new StringBuilder();
        int count = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT executed_at, side, quantity, symbol, price, amount FROM trades "
                + "WHERE user_id = ? ORDER BY executed_at DESC, trade_id DESC LIMIT ?")) {
            ps.setLong(1, m.userId());
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    count++;
                    lines.append('\n').append(TIME.format(rs.getTimestamp(1).toInstant())).append(' ').append(rs.getString(2))
                            .append(' ').append(Money.quantity(rs.getBigDecimal(3))).append(' ').append(rs.getString(4))
                            .append(" @ ").append(Money.dollars(rs.getBigDecimal(5))).append(" (")
                            .append(Money.dollars(rs.getBigDecimal(6))).append(')');
                }
            }
        }
        if (count == 0) {
            return "No trades yet. Try /buy AAPL 1.";
        }
        return (count == 1 ? "Your last trade:" : "Your last " + count + " trades:") + lines;
    }

    private String balance(Connection c, IncomingMessage m) throws SQLException {
        Optional<BigDecimal> cash = lockAccount(c, m.userId());
        return cash.map(value -> "Cash: " + Money.dollars(value) + ".").orElse(NO_ACCOUNT);
    }
}
