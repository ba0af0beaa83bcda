package dev.botops.bot;

import java.time.Instant;

/**
 * One row of {@code message_log}: a user's message to the bot or the bot's reply.
 *
 * @param userId   the sender of an incoming message; {@code null} for the bot's replies
 * @param incoming true for a user's message, false for the bot's reply
 */
public record LoggedMessage(Instant loggedAt, long updateId, long chatId, Long userId, boolean incoming, String text) {
}
