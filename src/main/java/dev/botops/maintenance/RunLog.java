package dev.botops.maintenance;

import dev.botops.db.Database;
import dev.botops.db.Work;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code maintenance_runs} table: one row per run, including skipped and interrupted ones. */
final class RunLog {
    private static final String COLUMNS = "run_id, kind, trigger, caller, dry_run, started_at, finished_at, outcome, rows_deleted, "
            + "bytes_before, bytes_after, details::text, error";

    private final Database db;

    RunLog(Database db) {
        this.db = db;
    }

    long start(RunKind kind, Trigger trigger, String caller, boolean dryRun, Instant startedAt, long bytesBefore, String detailsJson) {
        return db.inTransaction(Work.MAINTENANCE, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO maintenance_runs (kind, trigger, caller, dry_run, started_at, "
                    + "bytes_before, details) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb) RETURNING run_id")) {
                ps.setString(1, kind.name());
                ps.setString(2, trigger.name());
                ps.setString(3, caller);
                ps.setBoolean(4, dryRun);
                ps.setObject(5, utc(startedAt));
                ps.setLong(6, bytesBefore);
                ps.setString(7, detailsJson);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    void finish(RunReport report, String detailsJson) {
        db.inIdempotentTransaction(Work.MAINTENANCE, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE maintenance_runs SET finished_at = ?, outcome = ?, rows_deleted = ?, "
                    + "bytes_after = ?, details = ?::jsonb, error = ? WHERE run_id = ?")) {
                ps.setObject(1, utc(report.finishedAt()));
                ps.setString(2, report.outcome().name());
                ps.setLong(3, report.rowsDeleted());
                ps.setLong(4, report.databaseBytesAfter());
                ps.setString(5, detailsJson);
                ps.setString(6, report.error());
                ps.setLong(7, report.runId());
                return ps.executeUpdate();
            }
        });
    }

    /** Records a run that did not start, with the reason, so the history explains a missing 3 AM run. */
    long skipped(RunKind kind, Trigger trigger, String caller, boolean dryRun, Instant at, String reason) {
        return db.inTransaction(Work.MAINTENANCE, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO maintenance_runs (kind, trigger, caller, dry_run, started_at, "
                    + "finished_at, outcome, error) VALUES (?, ?, ?, ?, ?, ?, 'SKIPPED', ?) RETURNING run_id")) {
                ps.setString(1, kind.name());
                ps.setString(2, trigger.name());
                ps.setString(3, caller);
                ps.setBoolean(4, dryRun);
                ps.setObject(5, utc(at));
                ps.setObject(6, utc(at));
                ps.setString(7, reason);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /**
     * Closes runs left RUNNING by a process that died. Only called while holding the maintenance lease: a run
     * writes its row only after taking the lease, and a run whose lease expired stops before its next batch
     * (see {@link MaintenanceLease}), so no other run can be active and every RUNNING row is stale. (Should such
     * a run still be finishing its last batch, its own final update replaces INTERRUPTED with its real outcome.)
     */
    List<Long> closeInterrupted(Instant now) {
        return db.inTransaction(Work.MAINTENANCE, c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE maintenance_runs SET outcome = 'INTERRUPTED', finished_at = ?, "
                    + "error = coalesce(error, 'The process stopped during this run; every committed batch stays done and the next run "
                    + "continued the work.') WHERE outcome = 'RUNNING' RETURNING run_id")) {
                ps.setObject(1, utc(now));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            return ids;
        });
    }

    List<RunRecord> recent(int limit) {
        return db.withConnection(Work.MAINTENANCE, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM maintenance_runs ORDER BY started_at DESC, "
                    + "run_id DESC LIMIT ?")) {
                ps.setInt(1, limit);
                return read(ps);
            }
        });
    }

    Optional<RunRecord> get(long runId) {
        return db.withConnection(Work.MAINTENANCE, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM maintenance_runs WHERE run_id = ?")) {
                ps.setLong(1, runId);
                return read(ps).stream().findFirst();
            }
        });
    }

    /** How many runs the log holds per outcome (every outcome present, zero when none). */
    Map<Outcome, Long> countsByOutcome() {
        return db.withConnection(Work.MAINTENANCE, c -> {
            Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
            for (Outcome outcome : Outcome.values()) {
                counts.put(outcome, 0L);
            }
            try (ResultSet rs = c.createStatement().executeQuery("SELECT outcome, count(*) FROM maintenance_runs GROUP BY outcome")) {
                while (rs.next()) {
                    counts.put(Outcome.valueOf(rs.getString(1)), rs.getLong(2));
                }
            }
            return counts;
        });
    }

    /** The run the given lease holder is doing (its row records the holder), for telling a skipped caller who runs. */
    Optional<RunRecord> runningFor(String leaseHolderId) {
        return db.withConnection(Work.MAINTENANCE, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM maintenance_runs WHERE outcome = 'RUNNING' "
                    + "AND details ->> 'lease' = ? ORDER BY run_id DESC LIMIT 1")) {
                ps.setString(1, leaseHolderId);
                return read(ps).stream().findFirst();
            }
        });
    }

    /** When a run of this kind last started (skipped ones do not count), by any instance. */
    Optional<Instant> lastStart(RunKind kind) {
        return db.withConnection(Work.MAINTENANCE, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT max(started_at) FROM maintenance_runs WHERE kind = ? "
                    + "AND outcome <> 'SKIPPED'")) {
                ps.setString(1, kind.name());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return Optional.ofNullable(rs.getObject(1, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
                }
            }
        });
    }

    /** When the schema was first installed: the start of the history a missed daily run is judged against. */
    Optional<Instant> installedAt() {
        return db.withConnection(Work.MAINTENANCE, c -> {
            try (ResultSet rs = c.createStatement().executeQuery("SELECT min(applied_at) FROM migration_history")) {
                rs.next();
                Timestamp ts = rs.getTimestamp(1);
                return Optional.ofNullable(ts).map(Timestamp::toInstant);
            }
        });
    }

    private static List<RunRecord> read(PreparedStatement ps) throws SQLException {
        List<RunRecord> result = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                result.add(new RunRecord(rs.getLong(1), RunKind.valueOf(rs.getString(2)), Trigger.valueOf(rs.getString(3)),
                        rs.getString(4), rs.getBoolean(5), instant(rs, 6), instant(rs, 7), Outcome.valueOf(rs.getString(8)),
                        rs.getLong(9), nullableLong(rs, 10), nullableLong(rs, 11), rs.getString(12), rs.getString(13)));
            }
        }
        return result;
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Object utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

}
