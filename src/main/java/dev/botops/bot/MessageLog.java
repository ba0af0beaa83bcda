package dev.botops.bot;

import dev.botops.db.Database;
import dev.botops.db.Work;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Reads the bot's {@code message_log} (written by the update processor in the update's transaction). */
final class MessageLog {
    private final Database db;

    MessageLog(Database db) {
        this.db = db;
    }

    /** The newest {@code limit} messages, newest first (a reply, logged in the same transaction, before its message). */
    List<LoggedMessage> recent(int limit) {
        return db.withConnection(Work.BOT, c -> {
            // The index on logged_at makes this a short scan of the newest partition.
            try (PreparedStatement ps = c.prepareStatement("SELECT logged_at, update_id, chat_id, user_id, direction, text "
                    + "FROM message_log ORDER BY logged_at DESC, update_id DESC, direction DESC LIMIT ?")) {
                ps.setInt(1, limit);
                List<LoggedMessage> messages = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long userId = rs.getLong(4);
                        Long user = rs.wasNull() ? null : userId;
                        messages.add(new LoggedMessage(rs.getTimestamp(1).toInstant(), rs.getLong(2), rs.getLong(3), user,
                                "IN".equals(rs.getString(5)), rs.getString(6)));
                    }
                }
                return List.copyOf(messages);
            }
        });
    }
}
