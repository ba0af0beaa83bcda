package dev.botops.maintenance;

import dev.botops.db.Database;
import dev.botops.db.DatabaseException;
import dev.botops.db.Work;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the expired rows of one table (a plain table or one leaf partition) in batches, each its own
 * short transaction under {@link MaintenanceWork#BATCH}'s lock and statement timeouts. A crash leaves every
 * batch committed or not, and the next run simply finds the rows that are left.
 *
 * <p>How batches find their rows, chosen per table the way the planner chooses between an index and a
 * sequential scan:
 * <ul>
 *   <li>by index range, when an index leads on the column and a small part of the table has expired (the
 *       usual daily case): each batch looks up the value a batch further on and deletes the range below it;
 *       the next starts there, so no batch rescans the index entries of rows already deleted. A run of equal
 *       values longer than a batch is split by ctid;</li>
 *   <li>by blocks, when a large part has expired (a backlog) or there is no such index: batches walk the heap
 *       from the first to the last block it had when the run started ({@code ctid} ranges, a TID range scan),
 *       deleting the expired rows of each stretch: a sequential scan cut into short transactions.</li>
 * </ul>
 */
final class BatchedDeleter {
    /** From this expired share of a table on, walking the blocks beats walking the index. */
    static final double BLOCK_WALK_FROM = 0.2;
    private static final Logger log = LoggerFactory.getLogger(BatchedDeleter.class);
    private static final int MAX_TIMEOUTS_IN_A_ROW = 3;
    private static final String QUERY_CANCELED = "57014";

    /** Told after every committed batch, including batches that found nothing to delete. */
    interface BatchObserver {
        void batchCommitted(int rows, Duration took);
    }

    /** What one table's batched delete did; {@code stoppedBy} is {@code null} when it finished. */
    record Result(long rows, long batches, Duration longestBatch, Outcome stoppedBy) {
    }

    /**
     * One committed batch.
     *
     * @param work rows the batch went through, which the batch size adapts on (deleted rows for an index
     *             walk, rows of the blocks scanned for a block walk)
     * @param last nothing expired is left to this walk
     */
    private record Batch(int rows, long work, boolean last) {
    }

    /** A way of walking a table's expired rows, one batch at a time; keeps its position between batches. */
    private interface Walk {
        /** Runs one batch of about {@code size} rows inside the batch's transaction; writes archive lines before returning. */
        Batch run(Connection c, int size, ArchiveFile archive) throws SQLException;

        /** The batch committed: move on. */
        void advance();
    }

    private final Database db;

    BatchedDeleter(Database db) {
        this.db = db;
    }

    Result delete(TableRef table, String column, String columnType, Instant cutoff, AdaptiveBatchSize sizes,
                  ArchiveFile archive, RunControl control, BatchObserver observer) {
        Walk walk = chooseWalk(table, column, columnType, cutoff.atOffset(ZoneOffset.UTC), archive != null);
        long rows = 0;
        long batches = 0;
        Duration longest = Duration.ZERO;
        Duration last = Duration.ZERO;
        int timeoutsInARow = 0;
        while (true) {
            Outcome stop = control.stopReason(last);
            if (stop != null) {
                return new Result(rows, batches, longest, stop);
            }
            int size = sizes.size();
            long started = System.nanoTime();
            Batch batch;
            try {
                batch = db.inTransaction(MaintenanceWork.BATCH, c -> walk.run(c, size, archive));
            } catch (DatabaseException e) {
                if (archive != null) {
                    if (e.kind() == DatabaseException.Kind.COMMIT_UNKNOWN) {
                        archive.batchCommitted();
                    } else {
                        archive.batchRolledBack();
                    }
                }
                if (QUERY_CANCELED.equals(e.sqlState()) && !control.token().cancelled() && ++timeoutsInARow < MAX_TIMEOUTS_IN_A_ROW) {
                    sizes.timedOut();
                    continue;
                }
                throw e;
            } catch (RuntimeException e) {
                if (archive != null) {
                    archive.batchRolledBack();
                }
                throw e;
            }
            if (archive != null) {
                archive.batchCommitted();
            }
            walk.advance();
            timeoutsInARow = 0;
            last = Duration.ofNanos(System.nanoTime() - started);
            longest = last.compareTo(longest) > 0 ? last : longest;
            sizes.observe((int) Math.min(Integer.MAX_VALUE, batch.work()), size, last);
            rows += batch.rows();
            batches++;
            observer.batchCommitted(batch.rows(), last); // a block walk's batch may delete nothing; it still took its time
            if (batch.last()) {
                return new Result(rows, batches, longest, null);
            }
        }
    }

    private Walk chooseWalk(TableRef table, String column, String columnType, OffsetDateTime cutoff, boolean archive) {
        return db.withConnection(Work.MAINTENANCE, c -> {
            long[] shape = tableShape(c, table, column);
            boolean indexed = shape[0] == 1;
            double rowsPerBlock = shape[2] > 0 && shape[1] > 0 ? (double) shape[1] / shape[2] : 0;
            if (indexed) {
                double expiredShare = shape[1] > 0
                        ? (double) Catalog.estimatedExpiredRows(c, table, column, cutoff.toInstant()) / shape[1] : 0;
                if (expiredShare < BLOCK_WALK_FROM || rowsPerBlock == 0) {
                    log.debug("Deleting expired rows of {} along the index on {} ({})", table, column,
                            shape[1] > 0 ? "about " + Math.round(expiredShare * 100) + "% expired" : "no statistics yet");
                    return new IndexWalk(table, column, columnType, cutoff, archive);
                }
            }
            log.debug("Deleting expired rows of {} block by block ({} blocks, {})", table, shape[3], indexed ? "a large share expired" : "no index on " + column);
            return new BlockWalk(table, column, cutoff, archive, shape[3], rowsPerBlock > 0 ? rowsPerBlock : 50);
        });
    }

    /** {index leading on the column (1/0), estimated rows, blocks the estimate is for, blocks now}. */
    private static long[] tableShape(Connection c, TableRef table, String column) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a "
                + "ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] WHERE i.indrelid = r.oid AND a.attname = ? "
                + "AND i.indisvalid AND i.indpred IS NULL), greatest(r.reltuples, 0)::bigint, r.relpages, "
                + "pg_relation_size(r.oid) / current_setting('block_size')::bigint FROM pg_class r WHERE r.oid = to_regclass(?)")) {
            ps.setString(1, column);
            ps.setString(2, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getBoolean(1) ? 1 : 0, rs.getLong(2), rs.getLong(3), rs.getLong(4)};
            }
        }
    }

    /**
     * Walks the column's index in order. Without an archive a batch needs no RETURNING: one short query finds
     * the value {@code size} rows on, a plain DELETE removes the range below it.
     */
    private static final class IndexWalk implements Walk {
        private final OffsetDateTime cutoff;
        private final String findUpper;
        private final String deleteRange;
        private final String deleteTies;
        private String lower = "-infinity";
        private String nextLower;
        private boolean splitTies;
        private boolean nextSplitTies;

        IndexWalk(TableRef table, String column, String columnType, OffsetDateTime cutoff, boolean archive) {
            this.cutoff = cutoff;
            String t = table.quoted();
            String col = TableRef.quote(column);
            this.findUpper = "SELECT s." + col + "::text FROM " + t + " s WHERE s." + col + " >= ?::" + columnType + " AND s." + col
                    + " < ? ORDER BY s." + col + " OFFSET ? LIMIT 1";
            this.deleteRange = "DELETE FROM " + t + " t WHERE t." + col + " >= ?::" + columnType + " AND t." + col + " < ?::" + columnType
                    + " AND t." + col + " < ?" + returning(archive);
            // The outer condition repeats the cutoff: a row updated since it was picked is only deleted if still expired.
            this.deleteTies = "DELETE FROM " + t + " t WHERE t.ctid = ANY(ARRAY(SELECT s.ctid FROM " + t + " s WHERE s." + col
                    + " = ?::" + columnType + " LIMIT ?)) AND t." + col + " < ?" + returning(archive);
        }

        @Override
        public Batch run(Connection c, int size, ArchiveFile archiveFile) throws SQLException {
            if (splitTies) {
                int rows = execute(c, deleteTies, archiveFile, lower, size, cutoff);
                nextLower = lower;
                nextSplitTies = rows == size;
                return new Batch(rows, rows, false);
            }
            String upper = null;
            try (PreparedStatement find = c.prepareStatement(findUpper)) {
                find.setString(1, lower);
                find.setObject(2, cutoff);
                find.setInt(3, size);
                try (ResultSet rs = find.executeQuery()) {
                    if (rs.next()) {
                        upper = rs.getString(1);
                    }
                }
            }
            int rows = execute(c, deleteRange, archiveFile, lower, upper != null ? upper : "infinity", cutoff);
            nextLower = upper;
            // No row below the bound: more than a batch of rows share the lower value; split them by ctid.
            nextSplitTies = upper != null && rows == 0;
            return new Batch(rows, rows, upper == null);
        }

        @Override
        public void advance() {
            if (nextLower != null) {
                lower = nextLower;
            }
            splitTies = nextSplitTies;
        }
    }

    /** Walks the heap's blocks as they were when the run started, a stretch per batch. */
    private static final class BlockWalk implements Walk {
        private final OffsetDateTime cutoff;
        private final long endBlock;
        private final double rowsPerBlock;
        private final String delete;
        private long block;
        private long nextBlock;

        BlockWalk(TableRef table, String column, OffsetDateTime cutoff, boolean archive, long endBlock, double rowsPerBlock) {
            this.cutoff = cutoff;
            this.endBlock = endBlock;
            this.rowsPerBlock = rowsPerBlock;
            this.delete = "DELETE FROM " + table.quoted() + " t WHERE t.ctid >= ?::tid AND t.ctid < ?::tid AND t." + TableRef.quote(column)
                    + " < ?" + returning(archive);
        }

        @Override
        public Batch run(Connection c, int size, ArchiveFile archive) throws SQLException {
            long blocks = Math.max(1, (long) Math.ceil(size / rowsPerBlock));
            long to = Math.min(endBlock, block + blocks);
            int rows = execute(c, delete, archive, "(" + block + ",0)", "(" + to + ",0)", cutoff);
            nextBlock = to;
            return new Batch(rows, Math.round((to - block) * rowsPerBlock), to >= endBlock);
        }

        @Override
        public void advance() {
            block = nextBlock;
        }
    }

    /** With an archive, deleted rows come back as JSON for it; without, no RETURNING at all. */
    private static String returning(boolean archive) {
        return archive ? " RETURNING row_to_json(t)::text" : "";
    }

    /**
     * Runs one DELETE and returns the rows deleted. With an archive its returned rows are written and forced to
     * disk before this returns, so before COMMIT: a committed delete always has its rows in the archive.
     */
    private static int execute(Connection c, String sql, ArchiveFile archive, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            if (archive == null) {
                return ps.executeUpdate();
            }
            List<String> lines = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            }
            if (!lines.isEmpty()) {
                archive.writeBatch(lines);
            }
            return lines.size();
        }
    }
}
