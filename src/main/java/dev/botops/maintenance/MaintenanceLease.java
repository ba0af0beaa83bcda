package dev.botops.maintenance;

import dev.botops.concurrent.Threads;
import dev.botops.db.Database;
import dev.botops.lease.InstanceLease;
import dev.botops.lease.LeaseHolder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cross-instance guard of maintenance runs: the {@value #NAME} row of {@code instance_lease}, taken when a
 * run is admitted, renewed while it proceeds and released when it ends. Every renewal is one autocommit
 * statement, so no connection, lock or session setting is held between heartbeats and a transaction-mode
 * pooler may hand each one to any server connection.
 *
 * <p>A run checks its hold at every batch boundary ({@link Hold#lostReason()}). The heartbeat thread renews
 * every third of the TTL; when the run finds the last confirmed renewal older than that (the heartbeat is late,
 * or the whole process stood still, e.g. in a long GC pause), it renews itself before going on. So a run
 * starts a batch only while its lease is valid for at least two thirds of the TTL, and once another instance
 * has taken the expired lease over, the run stops before its next batch.
 */
final class MaintenanceLease implements AutoCloseable {
    static final String NAME = "maintenance";
    private static final Logger log = LoggerFactory.getLogger(MaintenanceLease.class);

    private final InstanceLease lease;
    private final Duration ttl;
    private final Duration every;
    private final ScheduledExecutorService heartbeats;

    MaintenanceLease(Database db, String instance, Duration ttl) {
        this.lease = new InstanceLease(db, NAME, instance + "/" + UUID.randomUUID().toString().substring(0, 8), hostName(),
                ProcessHandle.current().pid(), ttl);
        this.ttl = ttl;
        this.every = Duration.ofMillis(Math.max(50, ttl.toMillis() / 3));
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(Threads.daemon("botops-maintenance-lease"));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** This service's holder id: instance name and a random suffix, so two services of one process are told apart. */
    String holderId() {
        return lease.holderId();
    }

    /**
     * Takes the lease for one run: a {@link Hold} whose heartbeat has started, or empty when another instance holds
     * it (then {@code otherHolder} is told who). Throws when the database does not answer.
     *
     * @param onLost told once, on the heartbeat thread or the run's, when the hold is lost
     */
    Optional<Hold> tryTake(Consumer<LeaseHolder> otherHolder, Consumer<String> onLost) {
        long sent = System.nanoTime();
        LeaseHolder holder = lease.tryAcquire();
        if (!lease.isMe(holder)) {
            otherHolder.accept(holder);
            return Optional.empty();
        }
        Hold hold = new Hold(sent, onLost);
        hold.beat = heartbeats.scheduleWithFixedDelay(hold::renew, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return Optional.of(hold);
    }

    /** "alpha on server-a (pid 123) since 2026-11-27T03:00:00Z": the instance name without the holder id's suffix. */
    static String describe(LeaseHolder holder) {
        String id = holder.holderId();
        int slash = id.lastIndexOf('/');
        String instance = slash > 0 ? id.substring(0, slash) : id;
        return instance + " on " + holder.host() + " (pid " + holder.pid() + ") since " + holder.acquiredAt();
    }

    @Override
    public void close() {
        Threads.shutdownNow(heartbeats, Duration.ofSeconds(5), "The maintenance lease heartbeat");
    }

    /** One run's hold on the lease. */
    final class Hold implements AutoCloseable, RunControl.Guard {
        private final Consumer<String> onLost;
        private volatile ScheduledFuture<?> beat;
        /** {@link System#nanoTime()} when the last renewal that succeeded was sent: the lease runs at least a TTL from there. */
        private long confirmedNanos;
        private volatile String lost;
        private boolean ended;

        private Hold(long confirmedNanos, Consumer<String> onLost) {
            this.confirmedNanos = confirmedNanos;
            this.onLost = onLost;
        }

        /** Why this run no longer holds the lease, or {@code null} while it does; renews first when the last renewal is old. */
        @Override
        public String lostReason() {
            if (lost == null && staleFor(System.nanoTime()) >= every.toNanos()) {
                renew();
            }
            return lost;
        }

        private synchronized long staleFor(long now) {
            return now - confirmedNanos;
        }

        /** Renews the lease (heartbeat thread, or the run's at a boundary); a holder other than us means it is lost. */
        private synchronized void renew() {
            if (ended || lost != null) {
                return;
            }
            long sent = System.nanoTime();
            try {
                LeaseHolder holder = lease.tryAcquire();
                if (lease.isMe(holder)) {
                    confirmedNanos = sent;
                    return;
                }
                lose("The maintenance lease expired and was taken over by " + describe(holder)
                        + "; this run stopped so that two instances never run maintenance at once");
            } catch (RuntimeException e) {
                if (sent - confirmedNanos >= ttl.toNanos() - every.toNanos() / 2) {
                    lose("The maintenance lease could not be renewed before it expired (" + e.getMessage()
                            + "); this run stopped, since another instance may have taken over");
                } else {
                    log.warn("Renewing the maintenance lease failed; trying again: {}", e.getMessage());
                }
            }
        }

        private void lose(String reason) {
            lost = reason;
            log.warn(reason);
            stopBeating();
            onLost.accept(reason);
        }

        private void stopBeating() {
            ScheduledFuture<?> b = beat;
            if (b != null) {
                b.cancel(false);
            }
        }

        /** Stops the heartbeat and gives the lease up at once, so another instance need not wait for expiry. */
        @Override
        public void close() {
            stopBeating();
            synchronized (this) {
                ended = true;
                if (lost != null) {
                    return;
                }
            }
            try {
                lease.release();
            } catch (RuntimeException e) {
                log.warn("Releasing the maintenance lease failed (it expires by itself within {}): {}", ttl, e.getMessage());
            }
        }
    }
}
