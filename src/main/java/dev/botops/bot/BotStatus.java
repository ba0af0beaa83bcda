package dev.botops.bot;

import dev.botops.lease.LeaseHolder;
import java.time.Instant;
import java.util.Optional;

/**
 * The bot's state for the dashboard, the health endpoint, metrics and the fleet registry: what it is doing and
 * why, who holds the lease, and counters since this process started.
 *
 * @param reason            why it is in this state (plain text for the operator; never contains the token)
 * @param activeHolder      the instance holding the lease (this one while polling), when known
 * @param botUsername       the bot's Telegram username once known
 * @param updates           updates processed (including ignored and redelivered ones)
 * @param errors            failed polls, failed updates and failed sends
 * @param conflicts         HTTP 409 answers
 * @param rateLimited       HTTP 429 answers (polls and sends)
 * @param updatesPerMinute  updates processed in the last 60 seconds
 * @param sendQueue         messages waiting to be sent or on their way (both lanes)
 * @param unreadableAnswers 2xx answers the client could not read (the request was carried out; never resent)
 * @param lastError         the latest error or unreadable answer, masked; empty when there was none
 * @param lastErrorAt       when {@code lastError} happened
 */
public record BotStatus(BotState state, String reason, Optional<LeaseHolder> activeHolder, String botUsername, boolean sandbox,
                        long updates, long errors, long conflicts, long rateLimited, Instant since,
                        long updatesPerMinute, int sendQueue, long unreadableAnswers, String lastError,
                        Optional<Instant> lastErrorAt) {

    /** A status without the fleet's counters (none per minute, nothing queued, no unreadable answer, no error). */
    public BotStatus(BotState state, String reason, Optional<LeaseHolder> activeHolder, String botUsername, boolean sandbox,
                     long updates, long errors, long conflicts, long rateLimited, Instant since) {
        this(state, reason, activeHolder, botUsername, sandbox, updates, errors, conflicts, rateLimited, since,
                0, 0, 0, "", Optional.empty());
    }
}
