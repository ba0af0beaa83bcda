package dev.botops.ui.bot;

import dev.botops.bot.LoggedMessage;
import dev.botops.ui.common.CommandResult;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What the Bot screen (and the Overview's bot tile) reads and asks, backed by this process's bot or by another
 * instance's heartbeat. Reads may block (a lock, a query): view models call them through their task executor.
 * Commands may block briefly to hand the command over (a call in this process, a row for another instance);
 * their answer comes later through the returned stage.
 */
public interface BotSource {
    /** Delivers the bot's snapshot (on any thread) whenever its state changes; returns how to stop. */
    Runnable subscribe(Consumer<BotSnapshot> listener);

    /** The state and counters now. */
    BotSnapshot current();

    /** The latest messages in and out of the bot, newest first (the message log every instance shares). */
    List<LoggedMessage> recentMessages(int limit);

    /** Stops polling and frees the lease, so a standby instance takes over. */
    CompletionStage<CommandResult> stopBot();

    /** Competes for the lease again after a stop, and polls once it holds it. */
    CompletionStage<CommandResult> startBot();

    /** After a conflict (409 storm, refused webhook or token): polls again. */
    CompletionStage<CommandResult> resumePolling();
}
