package dev.botops.ui.sandbox;

import dev.botops.bot.emulator.SentMessage;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the sandbox chat reads and sends: the local sandbox Bot API the bot talks to when no token is set. Reads
 * and {@link #post} may block, so view models call them through their task executor.
 */
public interface SandboxSource {
    /** Delivers each message the bot sends to this chat (on any thread); returns how to stop. */
    Runnable subscribe(long chatId, Consumer<SentMessage> listener);

    /** What the bot has sent to this chat so far, oldest first. */
    List<SentMessage> sentTo(long chatId);

    /** Posts a text as a user's message in their private chat with the bot; returns its update id. */
    long post(long userId, String userName, String text);
}
