package dev.botops.bot.emulator;

import java.time.Duration;

/**
 * The flood limits the emulator enforces on {@code sendMessage}, the way Telegram does: short bursts are
 * tolerated, a sustained rate above the limit is answered with 429 and {@code retry_after}. Each limit is a
 * bucket of {@code burst} messages refilled at one message per {@code interval}.
 */
public record FloodLimits(int privateBurst, Duration privateInterval, int groupBurst, Duration groupInterval,
                          int globalBurst, Duration globalInterval) {
    /** Telegram's documented limits: ~1 message/s per chat, 20/min per group, ~30/s overall. */
    public static final FloodLimits TELEGRAM = new FloodLimits(3, Duration.ofSeconds(1), 20, Duration.ofSeconds(3),
            30, Duration.ofMillis(1000 / 30));

    /** No enforcement: for measuring the bot's own pipeline without Telegram's limits. */
    public static final FloodLimits NONE = new FloodLimits(Integer.MAX_VALUE, Duration.ofNanos(1), Integer.MAX_VALUE,
            Duration.ofNanos(1), Integer.MAX_VALUE, Duration.ofNanos(1));

    public boolean enforced() {
        return this != NONE && globalBurst != Integer.MAX_VALUE;
    }
}
