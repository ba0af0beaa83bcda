package dev.botops.bot.emulator;

/** A text a Telegram user types into a chat with the bot. Negative chat ids are groups, as in Telegram. */
public record UserMessage(long chatId, long userId, String firstName, String text) {
    public static UserMessage privateChat(long userId, String firstName, String text) {
        return new UserMessage(userId, userId, firstName, text);
    }
}
