package dev.botops.lease;

import dev.botops.db.Database;
import dev.botops.db.Work;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * A named lease row in {@code instance_lease}: whoever holds an unexpired lease is the active instance.
 * Acquiring and renewing are the same single statement (take the row if it is expired or already ours),
 * run in autocommit, so no connection or lock is held between heartbeats; the database's clock decides
 * expiry, so instances need not agree on time.
 */
public final class InstanceLease {
    private final Database db;
    private final String name;
    private final String holderId;
    private final String host;
    private final long pid;
    private final Duration ttl;

    public InstanceLease(Database db, String name, String holderId, String host, long pid, Duration ttl) {
        this.db = db;
        this.name = name;
        this.holderId = holderId;
        this.host = host;
        this.pid = pid;
        this.ttl = ttl;
    }

    public String name() {
        return name;
    }

    public String holderId() {
        return holderId;
    }

    public Duration ttl() {
        return ttl;
    }

    /**
     * Takes or renews the lease when it is free, expired or ours; returns the holder after the attempt (this
     * instance when it succeeded). Runs once, without retry: a failed heartbeat is simply tried again later.
     */
    public LeaseHolder tryAcquire() {
        return db.once(Work.LEASE, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO instance_lease AS l "
                    + "(lease_name, holder_id, holder_host, holder_pid, acquired_at, heartbeat_at, expires_at) "
                    + "VALUES (?, ?, ?, ?, now(), now(), now() + make_interval(secs => ?)) "
                    + "ON CONFLICT (lease_name) DO UPDATE SET holder_id = EXCLUDED.holder_id, holder_host = EXCLUDED.holder_host, "
                    + "holder_pid = EXCLUDED.holder_pid, "
                    + "acquired_at = CASE WHEN l.holder_id = EXCLUDED.holder_id THEN l.acquired_at ELSE now() END, "
                    + "heartbeat_at = now(), expires_at = EXCLUDED.expires_at "
                    + "WHERE l.expires_at < now() OR l.holder_id = EXCLUDED.holder_id "
                    + "RETURNING holder_id, holder_host, holder_pid, acquired_at, heartbeat_at, expires_at")) {
                ps.setString(1, name);
                ps.setString(2, holderId);
                ps.setString(3, host);
                ps.setLong(4, pid);
                ps.setDouble(5, ttl.toMillis() / 1000.0);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return holder(rs);
                    }
                }
            }
            return current(c).orElseThrow(() -> new IllegalStateException("lease row vanished: " + name));
        });
    }

    /** Whether a holder returned by {@link #tryAcquire()} is this instance. */
    public boolean isMe(LeaseHolder holder) {
        return holder.holderId().equals(holderId);
    }

    /** Gives the lease up at once (graceful stop), so a standby takes over without waiting for expiry. */
    public void release() {
        db.once(Work.LEASE, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE instance_lease SET expires_at = now() - interval '1 millisecond' WHERE lease_name = ? AND holder_id = ?")) {
                ps.setString(1, name);
                ps.setString(2, holderId);
                return ps.executeUpdate();
            }
        });
    }

    /** The current holder, if any row exists (it may be expired). */
    public Optional<LeaseHolder> current() {
        return db.withConnection(Work.LEASE, this::current);
    }

    private Optional<LeaseHolder> current(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT holder_id, holder_host, holder_pid, acquired_at, heartbeat_at, expires_at "
                + "FROM instance_lease WHERE lease_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(holder(rs)) : Optional.empty();
            }
        }
    }

    private static LeaseHolder holder(ResultSet rs) throws SQLException {
        return new LeaseHolder(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getTimestamp(4).toInstant(),
                rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant());
    }
}
