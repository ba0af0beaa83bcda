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

/**
 * Deletes the expired rows of one table (a plain table or one leaf partition) in batches, each its own
 * short transaction under {@link MaintenanceWork#BATCH}'s lock and statement timeouts. A crash leaves every
 * batch committed or not, and the next run simply finds the rows that are left.
 *
 * <p>With an index leading on the column, batches walk the column in order, each starting at the largest
 * value the previous one deleted: no batch rescans the index entries of rows already deleted. Without such
 * an index each batch takes any expired rows it finds.
 */
final class BatchedDeleter {
    private static final int MAX_TIMEOUTS_IN_A_ROW = 3;
    private static final String QUERY_CANCELED = "57014";

    /** Told after every committed batch. */
    interface BatchObserver {
        void batchCommitted(int rows, Duration took);
    }

    /** What one table's batched delete did; {@code stoppedBy} is {@code null} when it finished. */
    record Result(long rows, long batches, Duration longestBatch, Outcome stoppedBy) {
    }

    private final Database db;

    BatchedDeleter(Database db) {
        this.db = db;
    }

    Result delete(TableRef table, String column, String columnType, Instant cutoff, AdaptiveBatchSize sizes,
                  ArchiveFile archive, RunControl control, BatchObserver observer) {
        boolean ordered = hasLeadingIndex(table, column);
        String sql = deleteSql(table, column, columnType, ordered, archive != null);
        OffsetDateTime cutoffValue = cutoff.atOffset(ZoneOffset.UTC);
        String lowerBound = "-infinity";
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
            int limit = sizes.size();
            String bound = lowerBound;
            long started = System.nanoTime();
            Batch batch;
            try {
                batch = db.inTransaction(MaintenanceWork.BATCH, c -> runBatch(c, sql, ordered, bound, cutoffValue, limit, archive));
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
            timeoutsInARow = 0;
            last = Duration.ofNanos(System.nanoTime() - started);
            longest = last.compareTo(longest) > 0 ? last : longest;
            if (batch.rows() > 0) {
                rows += batch.rows();
                batches++;
                observer.batchCommitted(batch.rows(), last);
                sizes.observe(batch.rows(), last);
            }
            if (batch.maxValue() != null) {
                lowerBound = batch.maxValue();
            }
            if (batch.rows() < limit) {
                return new Result(rows, batches, longest, null);
            }
        }
    }

    private record Batch(int rows, String maxValue) {
    }

    private static Batch runBatch(Connection c, String sql, boolean ordered, String lowerBound, OffsetDateTime cutoff, int limit,
                                  ArchiveFile archive) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (ordered) {
                ps.setString(i++, lowerBound);
            }
            ps.setObject(i++, cutoff);
            ps.setInt(i++, limit);
            ps.setObject(i, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                if (archive == null) {
                    rs.next();
                    return new Batch(rs.getInt(1), rs.getString(2));
                }
                List<String> lines = new ArrayList<>();
                String max = null;
                while (rs.next()) {
                    lines.add(rs.getString(1));
                    max = rs.getString(2);
                }
                if (!lines.isEmpty()) {
                    // Forced to disk before COMMIT: a committed delete always has its rows in the archive.
                    archive.writeBatch(lines);
                }
                return new Batch(lines.size(), max);
            }
        }
    }

    static String deleteSql(TableRef table, String column, String columnType, boolean ordered, boolean archive) {
        String col = TableRef.quote(column);
        String select = ordered
                ? "SELECT s.ctid FROM " + table.quoted() + " s WHERE s." + col + " >= ?::" + columnType + " AND s." + col
                        + " < ? ORDER BY s." + col + " LIMIT ?"
                : "SELECT s.ctid FROM " + table.quoted() + " s WHERE s." + col + " < ? LIMIT ?";
        // The outer condition on the column repeats the cutoff: a row updated since it was picked is only
        // deleted if it is still expired.
        String delete = "DELETE FROM " + table.quoted() + " t WHERE t.ctid = ANY(ARRAY(" + select + ")) AND t." + col + " < ?";
        if (archive) {
            return "WITH d AS (" + delete + " RETURNING t." + col + " AS k, row_to_json(t)::text AS j) "
                    + "SELECT j, (max(k) OVER ())::text FROM d";
        }
        return "WITH d AS (" + delete + " RETURNING t." + col + " AS k) SELECT count(*), max(k)::text FROM d";
    }

    /** True when an index on the table starts with the column, so batches can walk it in order. */
    private boolean hasLeadingIndex(TableRef table, String column) {
        return db.withConnection(Work.MAINTENANCE, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a "
                    + "ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] WHERE i.indrelid = ?::regclass AND a.attname = ? "
                    + "AND i.indisvalid AND i.indpred IS NULL)")) {
                ps.setString(1, table.quoted());
                ps.setString(2, column);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            }
        });
    }
}
