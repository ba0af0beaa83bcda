package dev.botops.bot;

import dev.botops.lease.LeaseHolder;
import java.time.Instant;
import java.util.Optional;

/**
 * The bot's state for the dashboard, the health endpoint and metrics: what it is doing and why, who holds
 * the lease, and counters since this process started.
 *
 * @param reason        why it is in this state (plain text for the operator; never contains the token)
 * @param activeHolder  the instance holding the lease (this one while polling), when known
 * @param botUsername   the bot's Telegram username once known
 * @param updates       updates processed (including ignored and redelivered ones)
 * @param errors        failed polls, failed updates and failed sends
 * @param conflicts     HTTP 409 answers
 * @param rateLimited   HTTP 429 answers (polls and sends)
 */
public record BotStatus(BotState state, String reason, Optional<LeaseHolder> activeHolder, String botUsername, boolean sandbox,
                        long updates, long errors, long conflicts, long rateLimited, Instant since) {
}
