package dev.botops.bot.lease;

import dev.botops.concurrent.Threads;
import dev.botops.lease.InstanceLease;
import dev.botops.lease.LeaseHolder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps trying for the lease on a named daemon thread: the holder renews it every third of its TTL, a
 * standby checks at the same pace and takes over once it expires. When a renewal cannot reach the database,
 * the holder keeps running only until its last renewal would have expired, then steps down by itself
 * (another instance may have taken over meanwhile).
 */
public final class LeaseKeeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final InstanceLease lease;
    private final Duration every;
    private final ScheduledExecutorService scheduler;
    private final List<LeaseListener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean active;
    private volatile Optional<LeaseHolder> lastKnownHolder = Optional.empty();
    private long renewedAtNanos;
    /** The holder this standby last reported, so a change of holder is reported once. */
    private String standbyBehind;
    private boolean stopped;
    /** The operator took this instance out of the running: no heartbeats until {@link #resume()}. */
    private boolean paused;

    public LeaseKeeper(InstanceLease lease) {
        this.lease = lease;
        this.every = Duration.ofMillis(Math.max(100, lease.ttl().toMillis() / 3));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Threads.daemon("bot-lease"));
    }

    public void addListener(LeaseListener listener) {
        listeners.add(listener);
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::heartbeat, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean active() {
        return active;
    }

    /** The holder seen at the last heartbeat (this instance or another). */
    public Optional<LeaseHolder> lastKnownHolder() {
        return lastKnownHolder;
    }

    public InstanceLease lease() {
        return lease;
    }

    private synchronized void heartbeat() {
        if (stopped || paused) {
            return;
        }
        try {
            LeaseHolder holder = lease.tryAcquire();
            lastKnownHolder = Optional.of(holder);
            if (lease.isMe(holder)) {
                renewedAtNanos = System.nanoTime();
                if (!active) {
                    active = true;
                    log.info("This instance holds lease {} and becomes active", lease.name());
                    listeners.forEach(l -> notifySafely(() -> l.becameActive()));
                }
            } else if (active) {
                log.warn("Lease {} was taken over by {} ({}); this instance stands by", lease.name(), holder.holderId(), holder.host());
                stepDown(Optional.of(holder));
            } else if (!holder.holderId().equals(standbyBehind)) {
                standbyBehind = holder.holderId();
                log.info("Lease {} is held by {} on {}; standing by", lease.name(), holder.holderId(), holder.host());
                listeners.forEach(l -> notifySafely(() -> l.becameStandby(Optional.of(holder))));
            }
        } catch (RuntimeException e) {
            if (active && System.nanoTime() - renewedAtNanos > lease.ttl().toNanos() - every.toNanos() / 2) {
                log.warn("Lease {} could not be renewed before it expires ({}); stepping down", lease.name(), e.getMessage());
                stepDown(Optional.empty());
            } else {
                log.warn("Lease heartbeat failed: {}", e.getMessage());
            }
        }
    }

    private void stepDown(Optional<LeaseHolder> holder) {
        active = false;
        standbyBehind = holder.map(LeaseHolder::holderId).orElse(null);
        listeners.forEach(l -> notifySafely(() -> l.becameStandby(holder)));
    }

    private static void notifySafely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.error("A lease listener failed", e);
        }
    }

    /**
     * Stops competing for the lease until {@link #resume()}: an active instance steps down (listeners told) and
     * releases the lease at once, so a standby takes over at its next heartbeat instead of waiting for expiry.
     */
    public synchronized void pause() {
        if (stopped || paused) {
            return;
        }
        paused = true;
        standbyBehind = null;
        log.info("Lease {}: this instance stops competing for it", lease.name());
        stepDownAndRelease();
    }

    /** Competes for the lease again, starting with a heartbeat now rather than at the next tick. */
    public synchronized void resume() {
        if (stopped || !paused) {
            return;
        }
        paused = false;
        log.info("Lease {}: this instance competes for it again", lease.name());
        scheduler.execute(this::heartbeat);
    }

    private void stepDownAndRelease() {
        if (!active) {
            return;
        }
        stepDown(Optional.empty());
        try {
            lease.release();
        } catch (RuntimeException e) {
            log.warn("Could not release lease {} (it expires by itself): {}", lease.name(), e.getMessage());
        }
    }

    /** Stops heartbeats; an active instance steps down (listeners told) and releases the lease at once. */
    @Override
    public void close() {
        synchronized (this) {
            stopped = true;
            stepDownAndRelease();
        }
        Threads.shutdown(scheduler, Duration.ofSeconds(5), "The lease thread");
    }
}
