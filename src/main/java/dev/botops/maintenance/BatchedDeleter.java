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
 * <p>With an index leading on the column, batches walk the column in order: each finds the value a batch
 * further on and deletes the range below it, then the next starts there, so no batch rescans the index
 * entries of rows already deleted. Without such an index each batch takes any expired rows it finds.
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
        boolean indexed = hasLeadingIndex(table, column);
        Shape normal = indexed ? Shape.RANGE : Shape.ANY;
        RangeStatements range = RangeStatements.of(table, column, columnType);
        OffsetDateTime cutoffValue = cutoff.atOffset(ZoneOffset.UTC);
        String lowerBound = "-infinity";
        Shape shape = normal;
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
            Shape current = shape;
            boolean plainRange = current == Shape.RANGE && archive == null;
            String sql = plainRange ? null : sql(current, table, column, columnType, archive != null);
            long started = System.nanoTime();
            Batch batch;
            try {
                batch = db.inTransaction(MaintenanceWork.BATCH, c -> plainRange ? rangeBatch(c, range, bound, cutoffValue, limit)
                        : runBatch(c, sql, current, bound, cutoffValue, limit, archive));
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
            if (batch.last()) {
                return new Result(rows, batches, longest, null);
            }
            // More than a batch of rows share the lower bound's value: a range cannot split them, ctids can.
            shape = current == Shape.RANGE && batch.rows() == 0 ? Shape.TIES : normal;
            if (batch.nextLower() != null) {
                lowerBound = batch.nextLower();
            }
        }
    }

    /**
     * The shapes of a batch. RANGE finds the value {@code limit} rows on in the index and deletes the range
     * below it, an index range scan like a plain DELETE's; TIES picks rows by ctid in index order, for a run of
     * equal values longer than a batch; ANY picks any expired rows by ctid, for tables without an index.
     */
    private enum Shape { RANGE, TIES, ANY }

    /**
     * @param nextLower where the next batch starts, or {@code null} to keep the bound
     * @param last      nothing expired is left (as far as this run can see)
     */
    private record Batch(int rows, String nextLower, boolean last) {
    }

    private static Batch runBatch(Connection c, String sql, Shape shape, String lowerBound, OffsetDateTime cutoff, int limit,
                                  ArchiveFile archive) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (shape != Shape.ANY) {
                ps.setString(i++, lowerBound);
            }
            ps.setObject(i++, cutoff);
            ps.setInt(i++, limit);
            if (shape == Shape.RANGE) {
                ps.setString(i++, lowerBound);
                ps.setObject(i++, cutoff);
            }
            ps.setObject(i, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                if (archive == null) {
                    rs.next();
                    int rows = rs.getInt(1);
                    return new Batch(rows, rs.getString(2), shape == Shape.RANGE ? rs.getBoolean(3) : rows < limit);
                }
                List<String> lines = new ArrayList<>();
                String next = null;
                boolean last = false;
                while (rs.next()) {
                    if (rs.getString(1) != null) {
                        lines.add(rs.getString(1));
                    }
                    next = rs.getString(2);
                    last = shape == Shape.RANGE && rs.getBoolean(3);
                }
                if (!lines.isEmpty()) {
                    // Forced to disk before COMMIT: a committed delete always has its rows in the archive.
                    archive.writeBatch(lines);
                }
                return new Batch(lines.size(), next, shape == Shape.RANGE ? last : lines.size() < limit);
            }
        }
    }

    /**
     * Without an archive a range batch needs no RETURNING: one short query finds the upper bound, a plain
     * DELETE removes the range below it, both in the batch's transaction.
     */
    private record RangeStatements(String findUpper, String delete) {
        static RangeStatements of(TableRef table, String column, String columnType) {
            String col = TableRef.quote(column);
            return new RangeStatements("SELECT s." + col + "::text FROM " + table.quoted() + " s WHERE s." + col + " >= ?::" + columnType
                    + " AND s." + col + " < ? ORDER BY s." + col + " OFFSET ? LIMIT 1",
                    "DELETE FROM " + table.quoted() + " t WHERE t." + col + " >= ?::" + columnType + " AND t." + col + " < ?::"
                            + columnType + " AND t." + col + " < ?");
        }
    }

    private static Batch rangeBatch(Connection c, RangeStatements sql, String lowerBound, OffsetDateTime cutoff, int limit)
            throws SQLException {
        String upper = null;
        try (PreparedStatement find = c.prepareStatement(sql.findUpper())) {
            find.setString(1, lowerBound);
            find.setObject(2, cutoff);
            find.setInt(3, limit);
            try (ResultSet rs = find.executeQuery()) {
                if (rs.next()) {
                    upper = rs.getString(1);
                }
            }
        }
        try (PreparedStatement delete = c.prepareStatement(sql.delete())) {
            delete.setString(1, lowerBound);
            delete.setString(2, upper != null ? upper : "infinity");
            delete.setObject(3, cutoff);
            return new Batch(delete.executeUpdate(), upper, upper == null);
        }
    }

    private static String sql(Shape shape, TableRef table, String column, String columnType, boolean archive) {
        String col = TableRef.quote(column);
        String returning = archive ? " RETURNING t." + col + " AS k, row_to_json(t)::text AS j" : " RETURNING t." + col + " AS k";
        if (shape == Shape.RANGE) {
            String bound = "WITH b AS (SELECT (SELECT s." + col + " FROM " + table.quoted() + " s WHERE s." + col + " >= ?::" + columnType
                    + " AND s." + col + " < ? ORDER BY s." + col + " OFFSET ? LIMIT 1) AS hi), ";
            String delete = "d AS (DELETE FROM " + table.quoted() + " t WHERE t." + col + " >= ?::" + columnType + " AND t." + col
                    + " < coalesce((SELECT hi FROM b), ?) AND t." + col + " < ?" + returning + ") ";
            String next = "(SELECT hi::text FROM b), (SELECT hi IS NULL FROM b)";
            return bound + delete + "SELECT d.j, " + next + " FROM (SELECT 1) one LEFT JOIN d ON true";
        }
        String select = shape == Shape.TIES
                ? "SELECT s.ctid FROM " + table.quoted() + " s WHERE s." + col + " >= ?::" + columnType + " AND s." + col
                        + " < ? ORDER BY s." + col + " LIMIT ?"
                : "SELECT s.ctid FROM " + table.quoted() + " s WHERE s." + col + " < ? LIMIT ?";
        // The outer condition repeats the cutoff: a row updated since it was picked is only deleted if still expired.
        String delete = "WITH d AS (DELETE FROM " + table.quoted() + " t WHERE t.ctid = ANY(ARRAY(" + select + ")) AND t." + col + " < ?"
                + returning + ") ";
        return archive ? delete + "SELECT j, (max(k) OVER ())::text FROM d" : delete + "SELECT count(*), max(k)::text FROM d";
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
