package dev.botops.maintenance;

import dev.botops.db.Database;
import dev.botops.db.Work;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one retention policy: plans what expires (the dry run is exactly this plan, with exact counts),
 * then carries the plan out: whole expired partitions are detached and dropped, the rest is deleted in
 * batches. The cutoff is computed once per run, so a run never chases rows that expire while it works.
 */
final class RetentionCleaner {
    private static final Logger log = LoggerFactory.getLogger(RetentionCleaner.class);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final int ARCHIVE_CHUNK = 5_000;
    private static final long EXACT_COUNT_BELOW = 1_000_000;

    /** One step of a plan. */
    sealed interface Step permits DropPartition, DeleteRows {
        long rows();
    }

    /** Drop a whole partition; {@code detached} when an earlier run already detached it. */
    record DropPartition(TableRef partition, boolean detached, long rows, long bytes) implements Step {
    }

    /** Batch-delete the expired rows of one plain table or leaf partition. */
    record DeleteRows(TableRef table, long rows, long bytes) implements Step {
    }

    /** What one policy would delete now. */
    record Plan(ResolvedPolicy policy, Instant cutoff, List<Step> steps) {
        long rows() {
            return steps.stream().mapToLong(Step::rows).sum();
        }
    }

    private final Database db;
    private final PartitionManager partitions;
    private final BatchedDeleter deleter;
    private final Duration batchTarget;
    private final Path archiveDir;

    RetentionCleaner(Database db, PartitionManager partitions, Duration batchTarget, Path archiveDir) {
        this.db = db;
        this.partitions = partitions;
        this.deleter = new BatchedDeleter(db);
        this.batchTarget = batchTarget;
        this.archiveDir = archiveDir;
    }

    /** What expires at {@code now}; {@code exact} counts every partition and sums row sizes (the dry run). */
    Plan plan(ResolvedPolicy policy, Instant now, boolean exact) {
        Instant cutoff = policy.policy().cutoff(now);
        List<Step> steps = new ArrayList<>();
        if (policy.strategy() == ResolvedPolicy.Strategy.BATCHED) {
            steps.add(deleteStep(policy.table(), policy.column(), cutoff, exact));
            return new Plan(policy, cutoff, steps);
        }
        for (Partition leftover : partitions.leftoverDetached(policy.table())) {
            steps.add(new DropPartition(leftover.table(), true, count(leftover.table(), exact), leftover.bytes()));
        }
        for (Partition p : partitions.partitions(policy.table())) {
            boolean drop = policy.strategy() == ResolvedPolicy.Strategy.PARTITION_DROP && p.expiredBefore(cutoff);
            if (drop) {
                steps.add(new DropPartition(p.table(), false, count(p.table(), exact), p.bytes()));
            } else if (policy.strategy() == ResolvedPolicy.Strategy.BATCHED_PER_PARTITION || p.mayHoldRowsBefore(cutoff)) {
                steps.add(deleteStep(p.table(), policy.column(), cutoff, exact));
            }
        }
        return new Plan(policy, cutoff, steps);
    }

    /**
     * Exact count for a dry run. A real run counts what it deletes, so for its progress bar a planner estimate
     * is enough when counting would be slow (more than {@value #EXACT_COUNT_BELOW} rows). Bytes are estimated
     * from a sample.
     */
    private DeleteRows deleteStep(TableRef table, String column, Instant cutoff, boolean exact) {
        return db.withConnection(Work.MAINTENANCE, c -> {
            long estimate = exact ? 0 : Catalog.estimatedExpiredRows(c, table, column, cutoff);
            long rows = exact || estimate < EXACT_COUNT_BELOW ? Catalog.expiredRows(c, table, column, cutoff) : estimate;
            return new DeleteRows(table, rows, rows == 0 ? 0 : rows * Catalog.averageRowBytes(c, table));
        });
    }

    /** Exact for a dry run; the planner's estimate otherwise (the real count is taken after DETACH). */
    private long count(TableRef table, boolean exact) {
        return db.withConnection(Work.MAINTENANCE, c -> {
            if (exact) {
                return Catalog.rowCount(c, table);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass(?)")) {
                ps.setString(1, table.quoted());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /** The dry run's answer for this plan: nothing changes. */
    TableResult dryRunResult(Plan plan) {
        long tableBytes = db.withConnection(Work.MAINTENANCE, c -> Catalog.tableBytes(c, plan.policy().table()));
        List<String> dropped = new ArrayList<>();
        long quota = 0;
        long reusable = 0;
        for (Step step : plan.steps()) {
            if (step instanceof DropPartition) {
                DropPartition drop = (DropPartition) step;
                dropped.add(drop.partition().display());
                quota += drop.bytes();
            } else {
                reusable += ((DeleteRows) step).bytes();
            }
        }
        return new TableResult(plan.policy().policy().name(), plan.policy().table().display(), plan.policy().strategy().name(),
                plan.cutoff(), plan.rows(), dropped, quota, reusable, tableBytes, tableBytes, null, null, null);
    }

    /** Carries the plan out. Stops between steps and batches when the control says so. */
    TableResult execute(Plan plan, long runId, RunControl control, ProgressTracker progress) {
        ResolvedPolicy policy = plan.policy();
        TableRef table = policy.table();
        long before = db.withConnection(Work.MAINTENANCE, c -> Catalog.tableBytes(c, table));
        List<String> dropped = new ArrayList<>();
        long rows = 0;
        long quotaFreed = 0;
        long reusable = 0;
        Outcome stoppedBy = null;
        String error = null;
        ArchiveFile archive = null;
        try {
            if (policy.archives()) { // an empty archive is removed on close
                archive = ArchiveFile.create(archiveDir.resolve(table.display() + "-run" + runId + "-" + FILE_TIME.format(Instant.now())
                        + ".jsonl.gz"));
            }
            AdaptiveBatchSize sizes = new AdaptiveBatchSize(policy.policy().batchSize(), batchTarget);
            for (Step step : plan.steps()) {
                stoppedBy = control.stopReason(Duration.ZERO);
                if (stoppedBy != null) {
                    break;
                }
                if (step instanceof DropPartition) {
                    DropPartition drop = (DropPartition) step;
                    long started = System.nanoTime();
                    long dropRows = dropPartition(table, drop, archive);
                    rows += dropRows;
                    quotaFreed += drop.bytes();
                    dropped.add(drop.partition().display());
                    progress.partitionDropped(table.display(), drop.partition().display(), dropRows,
                            Duration.ofNanos(System.nanoTime() - started));
                } else {
                    DeleteRows delete = (DeleteRows) step;
                    BatchedDeleter.Result result = deleter.delete(delete.table(), policy.column(), policy.columnType(), plan.cutoff(),
                            sizes, archive, control, (n, took) -> progress.batchDeleted(table.display(), delete.table().display(), n, took));
                    rows += result.rows();
                    reusable += delete.rows() == 0 ? 0 : result.rows() * (delete.bytes() / delete.rows());
                    stoppedBy = result.stoppedBy();
                    if (stoppedBy != null) {
                        break;
                    }
                }
            }
        } catch (RuntimeException e) {
            error = e.getMessage();
            log.warn("Retention of {} failed after {} row(s): {}", table, rows, e.getMessage());
        } finally {
            if (archive != null) {
                try {
                    archive.close();
                } catch (IOException e) {
                    log.warn("Closing the archive {} failed: {}", archive.path(), e.getMessage());
                }
            }
        }
        long after = db.withConnection(Work.MAINTENANCE, c -> Catalog.tableBytes(c, table));
        String archivePath = archive != null && archive.rows() > 0 ? archive.path().toString() : null;
        return new TableResult(policy.policy().name(), table.display(), policy.strategy().name(), plan.cutoff(), rows, dropped,
                quotaFreed, reusable, before, after, archivePath, stoppedBy, error);
    }

    /** DETACH (brief lock on the parent), then count and archive the detached table with no lock held, then DROP. */
    private long dropPartition(TableRef parent, DropPartition drop, ArchiveFile archive) {
        if (!drop.detached()) {
            partitions.detach(parent, drop.partition());
        }
        long rows = archive != null ? archiveWhole(drop.partition(), archive)
                : db.withConnection(Work.MAINTENANCE, c -> Catalog.rowCount(c, drop.partition()));
        partitions.dropDetached(drop.partition());
        log.info("Dropped partition {} ({} rows, {} bytes)", drop.partition(), rows, drop.bytes());
        return rows;
    }

    private long archiveWhole(TableRef table, ArchiveFile archive) {
        return db.inTransaction(MaintenanceWork.ARCHIVE, c -> {
            long rows = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT row_to_json(t)::text FROM " + table.quoted() + " t")) {
                ps.setFetchSize(ARCHIVE_CHUNK); // a cursor: the partition never sits in memory whole
                try (ResultSet rs = ps.executeQuery()) {
                    List<String> chunk = new ArrayList<>(ARCHIVE_CHUNK);
                    while (rs.next()) {
                        chunk.add(rs.getString(1));
                        if (chunk.size() == ARCHIVE_CHUNK) {
                            rows += writeChunk(archive, chunk);
                        }
                    }
                    rows += writeChunk(archive, chunk);
                }
            }
            return rows;
        });
    }

    private static int writeChunk(ArchiveFile archive, List<String> chunk) {
        int n = chunk.size();
        if (n > 0) {
            archive.writeBatch(chunk);
            archive.batchCommitted(); // the table is detached: nothing can roll these rows back into the parent
            chunk.clear();
        }
        return n;
    }
}
