package dev.botops.bot;

/** What the bot is doing. */
public enum BotState {
    /** Not running (disabled, not started yet, or stopped). */
    STOPPED,
    /** Another instance holds the lease and runs the bot; this one takes over when it expires. */
    STANDBY,
    /** Polling Telegram and answering users. */
    POLLING,
    /** Stopped polling because another poller or a webhook is in the way; waits for the operator's retry. */
    CONFLICT,
    /** Waiting before the next attempt (network, 5xx, 429, database trouble). */
    BACKING_OFF
}
