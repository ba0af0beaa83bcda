package dev.botops.channels;

import dev.botops.monitor.Severity;

/** Somewhere alerts are delivered: a webhook, an SMTP server. Thread-safe; {@link #send} blocks for at most its timeout. */
public interface AlertChannel {
    /** The channel's name in settings and in the delivery table ({@code ops}, {@code email}). */
    String name();

    /** What kind of channel, for people: {@code webhook (slack)}, {@code e-mail}. */
    String kind();

    /** Where it delivers, as it may be shown: secrets masked ({@code https://hooks.slack.com/****}). */
    String destination();

    /** The least severe alert this channel hears about. */
    Severity minSeverity();

    /** One attempt; never throws for a receiver's failure (that is a result). */
    SendResult send(Notification notification);
}
