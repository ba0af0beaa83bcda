package dev.botops.maintenance;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts one run's deletions and turns them into {@link CleanupProgress} snapshots for the listeners. */
final class ProgressTracker {
    private static final Logger log = LoggerFactory.getLogger(ProgressTracker.class);

    private final long runId;
    private final RunKind kind;
    private final List<ProgressListener> listeners;
    private final Consumer<CleanupProgress> latest;
    private final long startNanos = System.nanoTime();
    private long rowsExpected;
    private long rowsDeleted;
    private long batches;

    ProgressTracker(long runId, RunKind kind, List<ProgressListener> listeners, Consumer<CleanupProgress> latest) {
        this.runId = runId;
        this.kind = kind;
        this.listeners = listeners;
        this.latest = latest;
    }

    void expect(long rows) {
        rowsExpected = rows;
    }

    /** A batch of rows was deleted from {@code target} (a table or one of its partitions). */
    void batchDeleted(String table, String target, long rows, Duration took) {
        step(table, target, rows, took, false);
    }

    void partitionDropped(String table, String partition, long rows, Duration took) {
        step(table, partition, rows, took, true);
    }

    private void step(String table, String target, long rows, Duration took, boolean drop) {
        rowsDeleted += rows;
        batches++;
        publish(table, took, target, drop);
    }

    void started() {
        publish("", Duration.ZERO, "", false);
    }

    private void publish(String table, Duration lastStep, String lastTarget, boolean lastWasDrop) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        double seconds = elapsed.toNanos() / 1e9;
        double rate = seconds > 0 ? rowsDeleted / seconds : 0;
        long remaining = Math.max(0, rowsExpected - rowsDeleted);
        Duration eta = rate > 0 ? Duration.ofMillis((long) (remaining / rate * 1000)) : null;
        CleanupProgress progress = new CleanupProgress(runId, kind, table, rowsDeleted, rowsExpected, batches, rate, elapsed, eta,
                lastStep, lastTarget, lastWasDrop);
        latest.accept(progress);
        for (ProgressListener listener : listeners) {
            try {
                listener.progress(progress);
            } catch (RuntimeException e) {
                log.warn("A progress listener failed: {}", e.toString());
            }
        }
    }

    long rowsDeleted() {
        return rowsDeleted;
    }
}
