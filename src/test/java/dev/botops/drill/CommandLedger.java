package dev.botops.drill;

import dev.botops.bot.emulator.SentMessage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exactly what the simulated users sent, and every reply they got, matched to the command it answers. Each
 * order of a user has a quantity of its own, and the bot's confirmation repeats side and quantity, so every
 * reply names its command; a reply that names none (an apology, a refusal) is unexpected, because the
 * users only send orders that must succeed.
 */
final class CommandLedger {
    /** What a command asks for. */
    enum Side { START, BUY, SELL }

    /** One message a user sent to the bot. */
    record SentCommand(long updateId, long userId, int seq, Side side, String symbol, BigDecimal quantity, String text, long sentNanos) {
    }

    /** The figures a trade confirmation showed the user. */
    record Confirmation(BigDecimal price, BigDecimal amount, BigDecimal cash) {
    }

    /** A command with what the user saw in reply. */
    record Answered(SentCommand command, int replies, long firstReplyNanos, Confirmation confirmation) {
    }

    /** A reply no command explains. */
    record Unexpected(long chatId, String text) {
    }

    private static final Pattern TRADE = Pattern.compile(
            "(Bought|Sold) ([0-9.]+) ([A-Z]+) at \\$([0-9,.]+) for \\$([0-9,.]+)\\. Cash (?:left|now): \\$([0-9,.]+)\\.");
    private static final String WELCOME = "Welcome to paper trading, ";

    private final Map<Long, SentCommand> byUpdate = new LinkedHashMap<>();
    private final Map<String, SentCommand> byUserOrder = new HashMap<>();
    private final Map<Long, Answered> answers = new HashMap<>();
    private final List<Unexpected> unexpected = new ArrayList<>();
    private final Map<Long, Boolean> userChats = new HashMap<>();

    synchronized void record(SentCommand command) {
        byUpdate.put(command.updateId(), command);
        byUserOrder.put(key(command.userId(), command.side(), command.quantity()), command);
        userChats.put(command.userId(), Boolean.TRUE);
    }

    /** Called for every message the bot sends (on an emulator thread). */
    synchronized void onReply(SentMessage message) {
        if (!userChats.containsKey(message.chatId())) {
            return; // admin alerts and anything not addressed to a simulated user
        }
        SentCommand command = null;
        Confirmation confirmation = null;
        Matcher m = TRADE.matcher(message.text());
        if (m.matches()) {
            Side side = m.group(1).equals("Bought") ? Side.BUY : Side.SELL;
            command = byUserOrder.get(key(message.chatId(), side, new BigDecimal(m.group(2))));
            if (command != null && !command.symbol().equals(m.group(3))) {
                command = null;
            }
            confirmation = new Confirmation(dollars(m.group(4)), dollars(m.group(5)), dollars(m.group(6)));
        } else if (message.text().startsWith(WELCOME)) {
            command = byUserOrder.get(key(message.chatId(), Side.START, BigDecimal.ZERO));
        }
        if (command == null) {
            unexpected.add(new Unexpected(message.chatId(), message.text()));
            return;
        }
        Answered before = answers.get(command.updateId());
        if (before == null) {
            answers.put(command.updateId(), new Answered(command, 1, message.sentNanos(), confirmation));
        } else {
            answers.put(command.updateId(), new Answered(command, before.replies() + 1, before.firstReplyNanos(), before.confirmation()));
        }
    }

    /** Every command sent so far, in update-id order. */
    synchronized List<SentCommand> commands() {
        return List.copyOf(byUpdate.values());
    }

    synchronized long lastUpdateId() {
        long last = 0;
        for (long id : byUpdate.keySet()) {
            last = Math.max(last, id);
        }
        return last;
    }

    /** Commands up to this update id that have no reply yet. */
    synchronized int unansweredUpTo(long updateId) {
        int count = 0;
        for (SentCommand c : byUpdate.values()) {
            if (c.updateId() <= updateId && !answers.containsKey(c.updateId())) {
                count++;
            }
        }
        return count;
    }

    /** Commands sent before this moment (System.nanoTime) that have no reply yet. */
    synchronized int unansweredSentBefore(long nanos) {
        int count = 0;
        for (SentCommand c : byUpdate.values()) {
            if (c.sentNanos() < nanos && !answers.containsKey(c.updateId())) {
                count++;
            }
        }
        return count;
    }

    synchronized Map<Long, Answered> answers() {
        return Map.copyOf(answers);
    }

    synchronized List<Unexpected> unexpected() {
        return List.copyOf(unexpected);
    }

    private static String key(long userId, Side side, BigDecimal quantity) {
        return userId + "/" + side + "/" + quantity.stripTrailingZeros().toPlainString();
    }

    private static BigDecimal dollars(String text) {
        return new BigDecimal(text.replace(",", ""));
    }
}
