package dev.botops.bot.trading;

import dev.botops.db.Database;
import dev.botops.db.DatabaseException;
import dev.botops.db.Work;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Applies one update exactly once. Its work is one transaction that records the update id and the reply in
 * {@code processed_updates} together with the trade; an update id already recorded is recognised and its
 * stored reply is returned without applying anything again. The transaction is safe to retry (also when a
 * COMMIT's outcome is unknown), because a retry that finds its own earlier commit just reads the reply back.
 */
public final class UpdateProcessor {
    private static final int LOG_TEXT_LIMIT = 4096;

    static final String ADMINS_ONLY = "That command is for the bot's admins only.";

    private final Database db;
    private final TradingCommands commands;
    private final AdminCommands admin;
    private final Set<Long> adminChats;

    public UpdateProcessor(Database db, TradingCommands commands) {
        this(db, commands, AdminCommands.NONE, List.of());
    }

    /** With admin commands, answered in the admin chats only. */
    public UpdateProcessor(Database db, TradingCommands commands, AdminCommands admin, List<Long> adminChats) {
        this.db = db;
        this.commands = commands;
        this.admin = admin;
        this.adminChats = Set.copyOf(adminChats);
    }

    /**
     * What processing an update produced.
     *
     * @param reply    text to send, or {@code null} when the update needs no answer
     * @param replayed the update had been processed before (redelivered); nothing was applied now
     */
    public record Outcome(String reply, boolean replayed) {
    }

    public Outcome process(IncomingMessage message) {
        CommandText command = CommandText.parse(message.text());
        if (admin.names().contains(command.command())) {
            return processAdmin(message, command);
        }
        try {
            return db.inIdempotentTransaction(Work.BOT, c -> apply(c, message));
        } catch (DatabaseException e) {
            if ("23505".equals(e.sqlState())) {
                // Another transaction recorded this update between our check and our insert: read its reply.
                return db.inIdempotentTransaction(Work.BOT, c -> apply(c, message));
            }
            throw e;
        }
    }

    /**
     * An admin command acts through services with transactions of their own, so it runs between two of this
     * update's: one that recognises a redelivered update, and one that records the update with its reply (the
     * first record wins; a command run twice meanwhile is harmless).
     */
    private Outcome processAdmin(IncomingMessage message, CommandText command) {
        Optional<Outcome> earlier = db.inIdempotentTransaction(Work.BOT, c -> recorded(c, message.updateId()));
        if (earlier.isPresent()) {
            return earlier.get();
        }
        String reply = adminChats.contains(message.chatId())
                ? admin.reply(command.command(), command.args(), "telegram:" + message.firstName() + " (" + message.userId() + ")")
                : ADMINS_ONLY;
        return db.inIdempotentTransaction(Work.BOT, c -> {
            Optional<Outcome> meanwhile = recorded(c, message.updateId());
            if (meanwhile.isPresent()) {
                return meanwhile.get();
            }
            record(c, message, reply);
            return new Outcome(reply, false);
        });
    }

    /** The outcome of an update processed before (its stored reply), or empty. */
    private static Optional<Outcome> recorded(Connection c, long updateId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT reply FROM processed_updates WHERE update_id = ?")) {
            ps.setLong(1, updateId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Outcome(rs.getString(1), true)) : Optional.empty();
            }
        }
    }

    private Outcome apply(Connection c, IncomingMessage message) throws SQLException {
        Optional<Outcome> earlier = recorded(c, message.updateId());
        if (earlier.isPresent()) {
            return earlier.get();
        }
        String reply = commands.reply(c, message);
        record(c, message, reply);
        return new Outcome(reply, false);
    }

    /** Records the update with its reply, and the message and reply in the message log, in the caller's transaction. */
    private static void record(Connection c, IncomingMessage message, String reply) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO processed_updates (update_id, chat_id, reply) VALUES (?, ?, ?)")) {
            ps.setLong(1, message.updateId());
            ps.setLong(2, message.chatId());
            ps.setString(3, reply);
            ps.executeUpdate();
        }
        String sql = "INSERT INTO message_log (update_id, chat_id, user_id, direction, text) VALUES (?, ?, ?, 'IN', ?)"
                + (reply == null ? "" : ", (?, ?, NULL, 'OUT', ?)");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, message.updateId());
            ps.setLong(2, message.chatId());
            ps.setLong(3, message.userId());
            ps.setString(4, truncate(message.text()));
            if (reply != null) {
                ps.setLong(5, message.updateId());
                ps.setLong(6, message.chatId());
                ps.setString(7, reply);
            }
            ps.executeUpdate();
        }
    }

    /** Records an update that could not be processed, with an apology, so that the bot moves past it. */
    public Outcome recordFailure(IncomingMessage message, String apology) {
        return db.inIdempotentTransaction(Work.BOT, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO processed_updates (update_id, chat_id, reply) VALUES (?, ?, ?) "
                    + "ON CONFLICT (update_id) DO NOTHING")) {
                ps.setLong(1, message.updateId());
                ps.setLong(2, message.chatId());
                ps.setString(3, apology);
                return new Outcome(apology, ps.executeUpdate() == 0);
            }
        });
    }

    private static String truncate(String text) {
        if (text == null || text.length() <= LOG_TEXT_LIMIT) {
            return text;
        }
        return text.substring(0, LOG_TEXT_LIMIT);
    }
}
