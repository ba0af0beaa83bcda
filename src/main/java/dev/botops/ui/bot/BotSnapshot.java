package dev.botops.ui.bot;

import dev.botops.bot.BotState;
import dev.botops.ui.common.RunsOn;
import java.time.Instant;
import java.util.Optional;

/**
 * The bot as the dashboard shows it, wherever it runs: this process's bot, or another instance's as its heartbeat
 * row reports it. Immutable; what a {@link BotSource} delivers.
 *
 * @param runsOn  where this bot runs ({@link RunsOn#nowhere()} when no bot runs: then the rest says why)
 * @param reason  why it is in this state, for the operator (never contains the token)
 * @param holder  the instance that holds the bot's lease, when known
 * @param sandbox the bot talks to the local sandbox Bot API rather than Telegram
 * @param asOf    when these figures were true: now for this process, the heartbeat's time for another instance
 */
public record BotSnapshot(RunsOn runsOn, BotState state, String reason, Instant since, Optional<Holder> holder, boolean sandbox,
                          String username, Counters counters, Instant asOf) {

    /** The instance holding the lease: the one that polls. */
    public record Holder(String id, String host, long pid, Instant acquiredAt, boolean thisInstance) {
    }

    /**
     * Since the bot's process started: what every instance's heartbeat reports of its bot.
     *
     * @param conflicts         HTTP 409 answers
     * @param rateLimited       HTTP 429 answers
     * @param updatesPerMinute  over the last minute, as the bot measures it
     * @param sendQueue         replies waiting to be sent
     * @param unreadableAnswers 2xx answers the client could not read (not errors: Telegram had the message)
     * @param lastError         the last thing that went wrong, for the operator; empty when nothing did
     */
    public record Counters(long updates, long errors, long conflicts, long rateLimited, long updatesPerMinute, int sendQueue,
                           long unreadableAnswers, String lastError) {
        public static final Counters NONE = new Counters(0, 0, 0, 0);

        public Counters {
            lastError = lastError == null ? "" : lastError;
        }

        public Counters(long updates, long errors, long conflicts, long rateLimited) {
            this(updates, errors, conflicts, rateLimited, 0, 0, 0, "");
        }
    }

    /** No bot runs: {@code reason} says why (turned off here, no active instance). */
    public static BotSnapshot none(String reason, Instant now) {
        return new BotSnapshot(RunsOn.nowhere(), BotState.STOPPED, reason, now, Optional.empty(), false, "", Counters.NONE, now);
    }

    /** "Telegram (@name)", "Sandbox: …": which Bot API the bot talks to. */
    public String mode() {
        if (runsOn.nowhereActive()) {
            return "—";
        }
        if (sandbox) {
            return "Sandbox: the local Bot API emulator (no bot token set)";
        }
        return username.isEmpty() ? "Telegram" : "Telegram (@" + username + ")";
    }
}
