package dev.botops.bot.trading;

/** A user's text message as the bot acts on it (taken from a Telegram update). */
public record IncomingMessage(long updateId, long chatId, long userId, String firstName, String text) {
}
