package dev.botops.drill;

import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.SentMessage;
import dev.botops.bot.emulator.UserMessage;
import dev.botops.drill.CommandLedger.SentCommand;
import dev.botops.drill.CommandLedger.Side;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Simulated Telegram users trading without pause, through the Bot API emulator as real users go through
 * Telegram. Each user trades one symbol; order {@code i} is for {@code i/100} units (a quantity of its own, so
 * that its reply can be told apart), every third order sells what the two before it bought, so a user never
 * sells more than they hold and every order must succeed.
 */
final class TradingUsers implements AutoCloseable {
    static final long FIRST_USER = 5001;
    private static final List<String> SYMBOLS = List.of("AAPL", "AMZN", "GOOG", "NVDA", "MSFT", "TSLA");

    private final BotApiEmulator emulator;
    private final CommandLedger ledger;
    private final int users;
    private final int[] nextSeq;
    private final Consumer<SentMessage> replies;
    /** Orders are made and posted under this lock, so each user's orders reach Telegram in sequence. */
    private final Object ordering = new Object();
    private Periodic load;
    private int nextUser;

    TradingUsers(BotApiEmulator emulator, CommandLedger ledger, int users) {
        this.emulator = emulator;
        this.ledger = ledger;
        this.users = users;
        this.nextSeq = new int[users];
        this.replies = ledger::onReply;
        emulator.addListener(replies);
    }

    /** Every user sends /start. */
    void openAccounts() {
        synchronized (ordering) {
            for (int u = 0; u < users; u++) {
                send(u, new Order(0, Side.START, "", BigDecimal.ZERO, "/start"));
            }
        }
    }

    /** Starts trading: one order every {@code perUser / users}, round robin, so each user orders every {@code perUser}. */
    synchronized void startTrading(Duration perUser) {
        if (load == null) {
            load = Periodic.start("drill-users", perUser.dividedBy(users), this::nextOrder);
        }
    }

    synchronized void stopTrading() {
        if (load != null) {
            load.close();
            load = null;
        }
    }

    private void nextOrder() {
        synchronized (ordering) {
            int u = nextUser;
            nextUser = (nextUser + 1) % users;
            send(u, order(u));
        }
    }

    /** Every user's next order at once, as one batch of updates (one getUpdates sees them all). */
    void burst() {
        synchronized (ordering) {
            postBurst();
        }
    }

    private void postBurst() {
        List<Order> orders = new ArrayList<>();
        List<UserMessage> messages = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            Order order = order(u);
            orders.add(order);
            messages.add(UserMessage.privateChat(FIRST_USER + u, "Trader" + (u + 1), order.text()));
        }
        synchronized (ledger) {
            List<Long> ids = emulator.postAll(messages);
            long now = System.nanoTime();
            for (int u = 0; u < users; u++) {
                Order o = orders.get(u);
                ledger.record(new SentCommand(ids.get(u), FIRST_USER + u, o.seq(), o.side(), o.symbol(), o.quantity(), o.text(), now));
            }
        }
    }

    private record Order(int seq, Side side, String symbol, BigDecimal quantity, String text) {
    }

    private Order order(int u) {
        int seq = ++nextSeq[u];
        BigDecimal quantity = BigDecimal.valueOf(seq, 2);
        Side side = seq % 3 == 0 ? Side.SELL : Side.BUY;
        String symbol = SYMBOLS.get(u % SYMBOLS.size());
        return new Order(seq, side, symbol, quantity, "/" + side.name().toLowerCase(java.util.Locale.ROOT) + " " + symbol + " "
                + quantity.toPlainString());
    }

    private void send(int u, Order order) {
        long userId = FIRST_USER + u;
        // The ledger is locked while posting, so a reply cannot be matched before its command is recorded.
        synchronized (ledger) {
            long updateId = emulator.post(UserMessage.privateChat(userId, "Trader" + (u + 1), order.text()));
            ledger.record(new SentCommand(updateId, userId, order.seq(), order.side(), order.symbol(), order.quantity(), order.text(),
                    System.nanoTime()));
        }
    }

    @Override
    public void close() {
        stopTrading();
        emulator.removeListener(replies);
    }
}
