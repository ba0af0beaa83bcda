package dev.botops.bot.lease;

import dev.botops.lease.LeaseHolder;
import java.util.Optional;

/**
 * Told when this instance becomes the active one (it holds the lease: it runs the bot and the maintenance
 * scheduler) or a standby. Called on the lease thread, in order; keep it short.
 */
public interface LeaseListener {
    void becameActive();

    /** @param activeHolder the instance that holds the lease now, when known */
    void becameStandby(Optional<LeaseHolder> activeHolder);
}
