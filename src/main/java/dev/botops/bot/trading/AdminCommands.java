package dev.botops.bot.trading;

import java.util.List;
import java.util.Set;

/**
 * Commands only the admin chats ({@code bot.admin-chats}) may use, answered outside the update's transaction
 * (they act through services of their own). Running one twice must be harmless: a redelivered update that
 * was answered before gets its stored reply, but one whose reply was not recorded yet runs again.
 */
public interface AdminCommands {
    /** No admin commands: the bot answers trading commands only. */
    AdminCommands NONE = new AdminCommands() {
        @Override
        public Set<String> names() {
            return Set.of();
        }

        @Override
        public String reply(String command, List<String> args, String who) {
            throw new IllegalStateException("no admin commands");
        }
    };

    /** The command names (lower case, without the slash). */
    Set<String> names();

    /**
     * The reply to an admin's command.
     *
     * @param who how the admin is shown beside what they did ({@code telegram:Alice (42)})
     */
    String reply(String command, List<String> args, String who);
}
