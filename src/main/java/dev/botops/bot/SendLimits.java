package dev.botops.bot;

import java.time.Duration;

/**
 * The pace of outgoing messages. Telegram asks for about one message per second per chat, at most 20 per
 * minute per group and about 30 per second overall; the overall budget is split between the user lane and
 * the admin-alert lane so that alerts never queue behind user traffic.
 *
 * @param privateChatInterval at most one message per this interval per private chat
 * @param groupChatInterval   at most one message per this interval per group (3 s = 20 per minute)
 * @param userPerSecond       user replies per second, all chats together
 * @param adminPerSecond      admin alerts per second (reserved share of the overall budget)
 */
public record SendLimits(Duration privateChatInterval, Duration groupChatInterval, int userPerSecond, int adminPerSecond) {
    public static final SendLimits TELEGRAM = new SendLimits(Duration.ofSeconds(1), Duration.ofSeconds(3), 28, 2);

    /** Effectively unthrottled: for measuring the pipeline itself against an emulator without flood limits. */
    public static final SendLimits UNLIMITED = new SendLimits(Duration.ofNanos(1), Duration.ofNanos(1), 1_000_000, 1_000_000);
}
