package dev.botops.bot;

import dev.botops.db.Database;
import dev.botops.db.Work;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** The confirmed getUpdates offset per bot, so a restart resumes after the last committed batch. */
final class BotOffsets {
    private final Database db;
    private final String botId;

    BotOffsets(Database db, String botId) {
        this.db = db;
        this.botId = botId;
    }

    /** The next offset to ask for; 0 (whatever Telegram still holds) when none is stored. */
    long load() {
        return db.withConnection(Work.BOT, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT next_offset FROM bot_offsets WHERE bot_id = ?")) {
                ps.setString(1, botId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /** Stores the offset; never moves it backwards. */
    void save(long nextOffset) {
        db.withConnection(Work.BOT, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO bot_offsets (bot_id, next_offset) VALUES (?, ?) "
                    + "ON CONFLICT (bot_id) DO UPDATE SET next_offset = GREATEST(bot_offsets.next_offset, EXCLUDED.next_offset), "
                    + "updated_at = now()")) {
                ps.setString(1, botId);
                ps.setLong(2, nextOffset);
                return ps.executeUpdate();
            }
        });
    }
}
