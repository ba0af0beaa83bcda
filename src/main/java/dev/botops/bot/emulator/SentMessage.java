package dev.botops.bot.emulator;

import java.time.Instant;

/** A message the bot sent through the emulator (what a user would see in the chat). */
public record SentMessage(long messageId, long chatId, String text, Instant sentAt, long sentNanos) {
}
