package dev.botops.bot;

import dev.botops.bot.emulator.BotApiEmulator;
import dev.botops.bot.emulator.EmulatorOptions;
import dev.botops.bot.telegram.BotToken;
import dev.botops.db.Database;
import dev.botops.db.Work;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The sandbox: without a bot token the app runs the bot against a local Bot API emulator on a free loopback
 * port, so the operator can try the bot from the dashboard (post messages and read replies through
 * {@link BotApiEmulator#post} and {@link BotApiEmulator#addListener}).
 */
public final class Sandbox {
    private Sandbox() {
    }

    /** Starts an emulator whose update ids continue above those the database has already seen. */
    public static BotApiEmulator start(Database db) {
        return BotApiEmulator.start(BotToken.SANDBOX.value(), EmulatorOptions.DEFAULTS.withFirstUpdateId(firstFreeUpdateId(db)));
    }

    /**
     * The lowest update id that no processed update or stored offset has used: the bot remembers processed
     * update ids, so a restarted sandbox must not hand out old ones again.
     */
    public static long firstFreeUpdateId(Database db) {
        return db.withConnection(Work.BOT, c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT greatest((SELECT coalesce(max(update_id), 0) + 1 FROM processed_updates), "
                         + "(SELECT coalesce(max(next_offset), 1) FROM bot_offsets))")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
