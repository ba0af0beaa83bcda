package dev.botops.drill;

import dev.botops.drill.CommandLedger.Answered;
import dev.botops.drill.CommandLedger.SentCommand;
import dev.botops.drill.CommandLedger.Side;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares what the users sent with what the database holds and what the users were told: every update has
 * its exactly-once record ({@code processed_updates}, which lets a redelivery be recognised), every order
 * exactly one trade that matches it, positions are what the orders
 * add up to, cash is the starting balance minus buys plus sells, and every order got its own confirmation
 * (the same price and amount as its trade), never an apology or a refusal.
 */
final class ExactlyOnceCheck {
    private static final int SHOWN = 5;

    /** One trade row. */
    private record Trade(long updateId, long userId, String symbol, String side, BigDecimal quantity, BigDecimal price, BigDecimal amount) {
    }

    /** Everything that did not add up, with counts for the report. */
    record Findings(int commands, int orders, int trades, List<String> lost, List<String> unrecorded, List<String> appliedTwice,
                    List<String> stray, List<String> wrongPositionOrCash, List<String> unanswered, List<String> wrongReplies,
                    int duplicateReplies, int users) {
        boolean exactlyOnce() {
            return lost.isEmpty() && unrecorded.isEmpty() && appliedTwice.isEmpty() && stray.isEmpty() && wrongPositionOrCash.isEmpty();
        }

        boolean everyCommandAnsweredRight() {
            return unanswered.isEmpty() && wrongReplies.isEmpty();
        }
    }

    private ExactlyOnceCheck() {
    }

    static Findings verify(AdminConnection admin, CommandLedger ledger, BigDecimal startingBalance) throws SQLException {
        List<SentCommand> commands = ledger.commands();
        Map<Long, Answered> answers = ledger.answers();
        Set<Long> processed = new HashSet<>(admin.query(c -> longs(c.prepareStatement("SELECT update_id FROM processed_updates"))));
        List<Trade> trades = admin.query(ExactlyOnceCheck::trades);
        Map<String, BigDecimal> positions = admin.query(c -> amounts(c.prepareStatement(
                "SELECT user_id || '/' || symbol, quantity FROM positions")));
        Map<String, BigDecimal> balances = admin.query(c -> amounts(c.prepareStatement("SELECT user_id::text, balance FROM users")));

        List<String> lost = new ArrayList<>();
        List<String> unrecorded = new ArrayList<>();
        List<String> twice = new ArrayList<>();
        List<String> stray = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        List<String> unanswered = new ArrayList<>();
        List<String> wrongReplies = new ArrayList<>();

        Map<Long, List<Trade>> tradesByUpdate = new HashMap<>();
        trades.forEach(t -> tradesByUpdate.computeIfAbsent(t.updateId(), id -> new ArrayList<>()).add(t));
        Map<Long, SentCommand> sentById = new HashMap<>();
        Map<String, BigDecimal> expectedPositions = new TreeMap<>();
        Map<Long, BigDecimal> expectedCash = new TreeMap<>();
        Map<Long, Answered> lastConfirmation = new HashMap<>();
        int orders = 0;
        int duplicateReplies = 0;
        for (SentCommand command : commands) {
            sentById.put(command.updateId(), command);
            expectedCash.putIfAbsent(command.userId(), startingBalance);
            if (!processed.contains(command.updateId())) {
                unrecorded.add("update " + command.updateId() + " (" + command.text() + ")");
            }
            Answered answer = answers.get(command.updateId());
            if (answer == null) {
                unanswered.add("update " + command.updateId() + " (" + command.text() + ") got no reply");
            } else {
                duplicateReplies += answer.replies() - 1;
            }
            if (command.side() == Side.START) {
                continue;
            }
            orders++;
            String position = command.userId() + "/" + command.symbol();
            BigDecimal signed = command.side() == Side.BUY ? command.quantity() : command.quantity().negate();
            expectedPositions.merge(position, signed, BigDecimal::add);
            List<Trade> applied = tradesByUpdate.getOrDefault(command.updateId(), List.of());
            if (applied.isEmpty()) {
                lost.add("order " + command.updateId() + " (" + command.text() + " from user " + command.userId() + ") has no trade");
                continue;
            }
            if (applied.size() > 1) {
                twice.add("order " + command.updateId() + " (" + command.text() + ") has " + applied.size() + " trades");
            }
            Trade trade = applied.get(0);
            if (trade.userId() != command.userId() || !trade.symbol().equals(command.symbol()) || !trade.side().equals(command.side().name())
                    || trade.quantity().compareTo(command.quantity()) != 0) {
                wrong.add("order " + command.updateId() + " (" + command.text() + ") was applied as " + trade);
            }
            BigDecimal cash = expectedCash.get(command.userId());
            expectedCash.put(command.userId(), command.side() == Side.BUY ? cash.subtract(trade.amount()) : cash.add(trade.amount()));
            if (answer != null && answer.confirmation() != null) {
                if (cents(trade.amount()).compareTo(answer.confirmation().amount()) != 0
                        || cents(trade.price()).compareTo(answer.confirmation().price()) != 0) {
                    wrongReplies.add("order " + command.updateId() + " (" + command.text() + ") was confirmed at " + answer.confirmation()
                            + " but traded at price " + trade.price() + ", amount " + trade.amount());
                }
                Answered last = lastConfirmation.get(command.userId());
                if (last == null || last.command().updateId() < command.updateId()) {
                    lastConfirmation.put(command.userId(), answer);
                }
            }
        }
        for (Trade trade : trades) {
            SentCommand command = sentById.get(trade.updateId());
            if (command == null || command.side() == Side.START) {
                stray.add("trade for update " + trade.updateId() + " that no user ordered: " + trade);
            }
        }
        expectedPositions.forEach((position, quantity) -> {
            BigDecimal actual = positions.getOrDefault(position, BigDecimal.ZERO);
            if (actual.compareTo(quantity) != 0) {
                wrong.add("position " + position + ": the orders add up to " + quantity.toPlainString() + ", the database holds " + actual.toPlainString());
            }
        });
        expectedCash.forEach((user, cash) -> {
            BigDecimal actual = balances.get(Long.toString(user));
            if (actual == null || actual.compareTo(cash) != 0) {
                wrong.add("cash of user " + user + ": start minus buys plus sells is " + cash.toPlainString() + ", the database holds " + actual);
            }
            Answered last = lastConfirmation.get(user);
            if (actual != null && last != null && cents(actual).compareTo(last.confirmation().cash()) != 0
                    && last.command().updateId() == lastOrderOf(commands, user)) {
                wrongReplies.add("user " + user + " was last told cash " + last.confirmation().cash() + " but holds " + actual);
            }
        });
        for (CommandLedger.Unexpected reply : ledger.unexpected()) {
            wrongReplies.add("user " + reply.chatId() + " got a reply no order explains: \"" + reply.text() + "\"");
        }
        return new Findings(commands.size(), orders, trades.size(), first(lost), first(unrecorded), first(twice), first(stray), first(wrong), first(unanswered),
                first(wrongReplies), duplicateReplies, expectedCash.size());
    }

    private static long lastOrderOf(List<SentCommand> commands, long user) {
        long last = -1;
        for (SentCommand c : commands) {
            if (c.userId() == user && c.side() != Side.START) {
                last = Math.max(last, c.updateId());
            }
        }
        return last;
    }

    /** The first few problems, and how many there were in all. */
    private static List<String> first(List<String> problems) {
        if (problems.size() <= SHOWN) {
            return List.copyOf(problems);
        }
        List<String> shown = new ArrayList<>(problems.subList(0, SHOWN));
        shown.add("… " + (problems.size() - SHOWN) + " more (" + problems.size() + " in all)");
        return shown;
    }

    private static BigDecimal cents(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_EVEN);
    }

    private static List<Trade> trades(java.sql.Connection c) throws SQLException {
        List<Trade> trades = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT update_id, user_id, symbol, side, quantity, price, amount FROM trades");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                trades.add(new Trade(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getBigDecimal(5), rs.getBigDecimal(6),
                        rs.getBigDecimal(7)));
            }
        }
        return trades;
    }

    private static List<Long> longs(PreparedStatement ps) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (ps; ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
        }
        return values;
    }

    private static Map<String, BigDecimal> amounts(PreparedStatement ps) throws SQLException {
        Map<String, BigDecimal> values = new HashMap<>();
        try (ps; ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.put(rs.getString(1), rs.getBigDecimal(2));
            }
        }
        return values;
    }
}
