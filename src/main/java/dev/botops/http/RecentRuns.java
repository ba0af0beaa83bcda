package dev.botops.http;

import dev.botops.concurrent.Threads;
import dev.botops.maintenance.MaintenanceService;
import dev.botops.maintenance.Outcome;
import dev.botops.maintenance.RunRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last maintenance runs and the run counts, read from {@code maintenance_runs} on a thread of its own so
 * that no request waits for the database: a request that finds the copy older than {@code maxAge}, or finds
 * that a run started or finished since it was read, asks for a refresh and is answered from the copy it has.
 * However often the endpoint is polled, the run log is read at most once per {@code maxAge} plus once per run.
 */
final class RecentRuns implements AutoCloseable {
    static final int KEPT = 10;
    private static final Logger log = LoggerFactory.getLogger(RecentRuns.class);

    /**
     * One read of the run log.
     *
     * @param asOf  when it was read; {@code null} before the first successful read
     * @param error why the last refresh failed, or {@code null}
     */
    record View(List<RunRecord> runs, Map<Outcome, Long> counts, Instant asOf, String error) {
        static final View EMPTY = new View(List.of(), Map.of(), null, null);

        View {
            runs = List.copyOf(runs);
            counts = Map.copyOf(counts);
        }

        /** The newest run that has finished (not running, not skipped), if any. */
        Optional<RunRecord> lastFinished() {
            return runs.stream().filter(r -> r.finishedAt() != null && r.outcome() != Outcome.SKIPPED).findFirst();
        }
    }

    private final MaintenanceService maintenance;
    private final Clock clock;
    private final Duration maxAge;
    private final ExecutorService executor;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile View view = View.EMPTY;
    private volatile Instant lastAttempt = Instant.EPOCH;
    /** The active run when the copy was read: a different one now means the copy misses a start or an end. */
    private volatile Optional<Long> activeAtRead = Optional.empty();

    RecentRuns(MaintenanceService maintenance, Clock clock, Duration maxAge) {
        this.maintenance = maintenance;
        this.clock = clock;
        this.maxAge = maxAge;
        this.executor = Executors.newSingleThreadExecutor(Threads.daemon("botops-http-runs"));
        refreshSoon();
    }

    /** The copy as it is; asks for a refresh in the background when it is due. */
    View view() {
        if (Duration.between(lastAttempt, clock.instant()).compareTo(maxAge) > 0
                || !Objects.equals(maintenance.activeRunId(), activeAtRead)) {
            refreshSoon();
        }
        return view;
    }

    /** Reads the run log again in the background, unless a read is already under way. */
    void refreshSoon() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        lastAttempt = clock.instant();
        try {
            executor.execute(this::refresh);
        } catch (RejectedExecutionException e) {
            refreshing.set(false);
        }
    }

    private void refresh() {
        try {
            Optional<Long> active = maintenance.activeRunId();
            List<RunRecord> runs = maintenance.runs(KEPT);
            Map<Outcome, Long> counts = maintenance.runCounts();
            if (view.error() != null) {
                log.info("The maintenance run log can be read again");
            }
            view = new View(runs, counts, clock.instant(), null);
            activeAtRead = active;
        } catch (RuntimeException e) {
            // Logged once per episode; the copy keeps the last runs read, with the reason next to them.
            if (view.error() == null) {
                log.warn("Could not read the maintenance run log: {}", e.getMessage());
            }
            View old = view;
            view = new View(old.runs(), old.counts(), old.asOf(), e.getMessage());
        } finally {
            lastAttempt = clock.instant();
            refreshing.set(false);
        }
    }

    @Override
    public void close() {
        Threads.shutdown(executor, Duration.ofSeconds(5), "The run log reader");
    }
}
