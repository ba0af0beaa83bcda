package dev.botops.lease;

import java.time.Instant;

/** Who holds a lease: the instance id, where it runs, and until when the lease is valid. */
public record LeaseHolder(String holderId, String host, long pid, Instant acquiredAt, Instant heartbeatAt, Instant expiresAt) {
}
