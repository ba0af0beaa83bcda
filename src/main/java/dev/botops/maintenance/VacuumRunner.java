package dev.botops.maintenance;

import dev.botops.config.Sizes;
import dev.botops.db.Database;
import dev.botops.db.Work;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs VACUUM outside any transaction (PostgreSQL refuses it inside one): each table on an autocommit
 * connection via {@link Database#outsideTransaction}, never retried, because a half-done VACUUM is simply run
 * again. There no per-work setting applies (it would have to be set for the session, which a pooler hands on to
 * other clients), so the table is named schema-qualified and VACUUM never waits for a lock: with
 * {@code SKIP_LOCKED} a table that is locked is skipped and reported as such. VACUUM FULL rewrites the table
 * under an ACCESS EXCLUSIVE lock and needs room for the copy, so it is refused when the free quota is smaller
 * than the table.
 */
final class VacuumRunner {
    private static final Logger log = LoggerFactory.getLogger(VacuumRunner.class);

    private final Database db;
    private final long quotaBytes;

    VacuumRunner(Database db, long quotaBytes) {
        this.db = db;
        this.quotaBytes = quotaBytes;
    }

    /** Tables whose dead rows call for VACUUM: at least {@code percent} dead and at least {@code minBytes} big. */
    List<TableRef> tablesNeedingVacuum(double percent, long minBytes) {
        return db.withConnection(Work.MAINTENANCE, c -> {
            List<TableRef> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT s.schemaname, s.relname FROM pg_stat_user_tables s "
                    + "JOIN pg_class c ON c.oid = s.relid JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE s.n_dead_tup > 0 AND s.n_dead_tup * 100.0 >= ? * (s.n_live_tup + s.n_dead_tup) "
                    + "AND pg_total_relation_size(s.relid) >= ? AND " + UserTables.REFUSAL + " IS NULL ORDER BY s.n_dead_tup DESC")) {
                ps.setDouble(1, percent);
                ps.setLong(2, minBytes);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(new TableRef(rs.getString(1), rs.getString(2)));
                    }
                }
            }
            return result;
        });
    }

    /**
     * Resolves a table name as SQL would (search path, quoting); throws {@link TableRefusedException} when it does not
     * exist or is not one maintenance acts on ({@link UserTables}).
     */
    TableRef resolve(String name) {
        return db.withConnection(Work.MAINTENANCE, c -> UserTables.require(c, name));
    }

    VacuumReport vacuum(List<TableRef> tables, boolean analyze, boolean full, RunControl control) {
        long dbBefore = db.withConnection(Work.MAINTENANCE, Catalog::databaseBytes);
        List<VacuumReport.TableVacuum> results = new ArrayList<>();
        for (TableRef table : tables) {
            if (control.stopReason(Duration.ZERO) != null) {
                break;
            }
            results.add(vacuumOne(table, analyze, full));
        }
        long dbAfter = db.withConnection(Work.MAINTENANCE, Catalog::databaseBytes);
        return new VacuumReport(dbBefore, dbAfter, results);
    }

    private VacuumReport.TableVacuum vacuumOne(TableRef table, boolean analyze, boolean full) {
        long[] before = db.withConnection(Work.MAINTENANCE, c -> stats(c, table));
        if (full) {
            long free = quotaBytes - before[2];
            if (free < before[0]) {
                String reason = "VACUUM FULL of " + table + " refused: it rewrites the table and needs room for a copy of "
                        + Sizes.format(before[0]) + ", but only " + Sizes.format(Math.max(0, free)) + " of the "
                        + Sizes.format(quotaBytes) + " quota is free. Run a plain VACUUM, drop partitions, or raise the quota first.";
                log.warn(reason);
                return new VacuumReport.TableVacuum(table.display(), true, before[0], before[0], before[1], before[1], 0, reason, null);
            }
        }
        String options = "(" + (full ? "FULL, " : "") + (analyze ? "ANALYZE, " : "") + "SKIP_LOCKED)";
        String error = null;
        try {
            error = db.outsideTransaction(Work.VACUUM, c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("VACUUM " + options + " " + table.quoted());
                    return skipped(s.getWarnings());
                }
            });
            if (error != null) {
                log.warn("VACUUM of {} skipped: {}", table, error);
            }
        } catch (RuntimeException e) {
            error = e.getMessage();
            log.warn("VACUUM of {} failed: {}", table, e.getMessage());
        }
        long[] after = db.withConnection(Work.MAINTENANCE, c -> stats(c, table));
        long cleared = Math.max(0, before[1] - after[1]);
        long rowsBefore = Math.max(1, before[3] + before[1]);
        long reusable = full ? 0 : Math.max(0, before[0] * cleared / rowsBefore);
        return new VacuumReport.TableVacuum(table.display(), full, before[0], after[0], before[1], after[1], reusable, null, error);
    }

    /** Why VACUUM (SKIP_LOCKED) left the table (or a partition of it) alone, from its warnings; null when it did not. */
    private static String skipped(SQLWarning warnings) {
        for (SQLWarning w = warnings; w != null; w = w.getNextWarning()) {
            String message = w.getMessage();
            if (message != null && message.startsWith("skipping")) {
                return message.contains("lock not available")
                        ? "skipped: the table was locked by other work (" + message + "); run it again later"
                        : "skipped: " + message;
            }
        }
        return null;
    }

    /** {table bytes, dead rows, database bytes, live rows}; the counts summed over partitions. */
    private static long[] stats(Connection c, TableRef table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0), "
                + "coalesce(sum(s.n_dead_tup), 0), pg_database_size(current_database()), coalesce(sum(s.n_live_tup), 0) "
                + "FROM " + Catalog.TREE + " t LEFT JOIN pg_stat_user_tables s ON s.relid = t.relid")) {
            ps.setString(1, table.quoted());
            ps.setString(2, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
            }
        }
    }
}
