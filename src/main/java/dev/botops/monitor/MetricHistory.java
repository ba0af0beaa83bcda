package dev.botops.monitor;

import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import dev.botops.db.Database;
import dev.botops.db.Work;
import dev.botops.monitor.DatabaseSnapshot.Connections;
import dev.botops.monitor.DatabaseSnapshot.TableStats;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The persisted history: a sample of each snapshot every {@code monitor.sample-interval} in
 * {@code metric_samples}, a daily size point per table in {@code table_size_samples}, and the forecast
 * computed from them.
 *
 * <p>Bounded on its own: rows older than {@code monitor.history-retention} (samples, table points and
 * resolved alerts) are deleted here in bounded batches, whether or not scheduled maintenance runs, so
 * monitoring never eats the quota it watches. (Maintenance may also drop whole old partitions of
 * {@code metric_samples}; the two do not conflict.)
 */
public final class MetricHistory {
    /** Rows one pruning statement deletes at most, so no delete holds locks or runs for long. */
    static final int PRUNE_BATCH = 5_000;
    /** Batches one pruning pass runs at most; a large backlog is worked off over several passes. */
    static final int PRUNE_MAX_BATCHES = 100;
    private static final int TOP_GROWING = 5;

    private static final String INSERT_SAMPLE =
            "INSERT INTO metric_samples (sampled_at, database_bytes, quota_bytes, connections_total, connections_active,"
                    + " connections_idle, connections_idle_tx, connections_ours, connections_limit)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    // ON CONFLICT: after a restart the day's points may already be there; the first one of the day stays.
    private static final String INSERT_TABLE_POINTS =
            "INSERT INTO table_size_samples (sampled_on, schema_name, table_name, sampled_at, total_bytes, estimated)"
                    + " SELECT ?, u.s, u.t, ?, u.b, u.e FROM unnest(?::text[], ?::text[], ?::bigint[], ?::boolean[]) AS u(s, t, b, e)"
                    + " ON CONFLICT DO NOTHING";
    private static final String FIT =
            "SELECT count(*), regr_slope(database_bytes::float8, extract(epoch FROM sampled_at)), min(sampled_at), max(sampled_at)"
                    + " FROM metric_samples WHERE sampled_at >= ? AND sampled_at <= ?";
    private static final String FIRST_TABLE_POINTS =
            "SELECT DISTINCT ON (schema_name, table_name) schema_name, table_name, sampled_at, total_bytes"
                    + " FROM table_size_samples WHERE sampled_on >= ? AND sampled_at >= ?"
                    + " ORDER BY schema_name, table_name, sampled_on";

    /** What is pruned: a table by its (indexed) time column. */
    private enum Pruned {
        SAMPLES("metric_samples", "sampled_at"),
        TABLE_POINTS("table_size_samples", "sampled_on"),
        RESOLVED_ALERTS("alerts", "resolved_at");

        final String sql;

        Pruned(String table, String column) {
            // Deletes the oldest PRUNE_BATCH rows below the cutoff (a few more when they share a timestamp),
            // found through the time index.
            this.sql = "DELETE FROM " + table + " WHERE " + column + " < ? AND " + column + " <= coalesce((SELECT "
                    + column + " FROM " + table + " WHERE " + column + " < ? ORDER BY " + column + " OFFSET "
                    + (PRUNE_BATCH - 1) + " LIMIT 1), ?)";
        }

        void bind(PreparedStatement ps, Instant cutoff) throws SQLException {
            for (int i = 1; i <= 3; i++) {
                if (this == TABLE_POINTS) {
                    ps.setDate(i, Date.valueOf(LocalDate.ofInstant(cutoff, ZoneOffset.UTC)));
                } else {
                    ps.setTimestamp(i, Timestamp.from(cutoff));
                }
            }
        }
    }

    private final Database database;
    private final Duration retention;
    private final Duration forecastWindow;
    private LocalDate lastTableDay;

    public MetricHistory(Database database, Settings settings) {
        this.database = database;
        this.retention = settings.duration(ConfigKey.MONITOR_HISTORY_RETENTION);
        this.forecastWindow = settings.duration(ConfigKey.FORECAST_WINDOW);
    }

    /** One persisted sample, as the charts read it back. */
    public record MetricSample(Instant sampledAt, long databaseBytes, long quotaBytes, int connectionsTotal,
                               int connectionsActive, int connectionsIdle, int connectionsIdleInTransaction,
                               int connectionsOurs, int connectionsLimit) {
    }

    /** One daily size point of a table. */
    public record TableSizePoint(LocalDate day, Instant sampledAt, long totalBytes, boolean estimated) {
    }

    /**
     * Persists a sample of the snapshot, and each table's size when it is the first sample of its (UTC) day.
     * Called by one thread (the monitor's).
     */
    public void record(DatabaseSnapshot snapshot) {
        if (!snapshot.reachable()) {
            throw new IllegalArgumentException("only reachable snapshots are recorded");
        }
        LocalDate day = LocalDate.ofInstant(snapshot.takenAt(), ZoneOffset.UTC);
        boolean tablesDue = !day.equals(lastTableDay);
        database.once(Work.MONITOR, c -> {
            insertSample(c, snapshot);
            if (tablesDue) {
                insertTablePoints(c, day, snapshot);
            }
            return null;
        });
        if (tablesDue) {
            lastTableDay = day;
        }
    }

    private static void insertSample(Connection c, DatabaseSnapshot snapshot) throws SQLException {
        Connections connections = snapshot.connections();
        try (PreparedStatement ps = c.prepareStatement(INSERT_SAMPLE)) {
            ps.setTimestamp(1, Timestamp.from(snapshot.takenAt()));
            ps.setLong(2, snapshot.storage().databaseBytes());
            ps.setLong(3, snapshot.storage().quotaBytes());
            ps.setInt(4, connections.total());
            ps.setInt(5, connections.active());
            ps.setInt(6, connections.idle());
            ps.setInt(7, connections.idleInTransaction());
            ps.setInt(8, connections.ours());
            ps.setInt(9, connections.limit().usable());
            ps.executeUpdate();
        }
    }

    private static void insertTablePoints(Connection c, LocalDate day, DatabaseSnapshot snapshot) throws SQLException {
        List<TableStats> tables = snapshot.tables();
        String[] schemas = new String[tables.size()];
        String[] names = new String[tables.size()];
        Long[] bytes = new Long[tables.size()];
        Boolean[] estimated = new Boolean[tables.size()];
        for (int i = 0; i < tables.size(); i++) {
            TableStats t = tables.get(i);
            schemas[i] = t.schema();
            names[i] = t.name();
            bytes[i] = t.totalBytes();
            estimated[i] = t.sizeEstimated();
        }
        Array schemaArray = c.createArrayOf("text", schemas);
        Array nameArray = c.createArrayOf("text", names);
        Array bytesArray = c.createArrayOf("bigint", bytes);
        Array estimatedArray = c.createArrayOf("boolean", estimated);
        try (PreparedStatement ps = c.prepareStatement(INSERT_TABLE_POINTS)) {
            ps.setDate(1, Date.valueOf(day));
            ps.setTimestamp(2, Timestamp.from(snapshot.takenAt()));
            ps.setArray(3, schemaArray);
            ps.setArray(4, nameArray);
            ps.setArray(5, bytesArray);
            ps.setArray(6, estimatedArray);
            ps.executeUpdate();
        } finally {
            schemaArray.free();
            nameArray.free();
            bytesArray.free();
            estimatedArray.free();
        }
    }

    /**
     * Deletes history older than the retention: samples, table points and resolved alerts, in batches of
     * {@value #PRUNE_BATCH} rows (each its own short statement).
     *
     * @return rows deleted
     */
    public long prune(Instant now) {
        Instant cutoff = now.minus(retention);
        return database.once(Work.MONITOR, c -> {
            long deleted = 0;
            for (Pruned target : Pruned.values()) {
                deleted += pruneTable(c, target, cutoff);
            }
            return deleted;
        });
    }

    private static long pruneTable(Connection c, Pruned target, Instant cutoff) throws SQLException {
        long deleted = 0;
        try (PreparedStatement ps = c.prepareStatement(target.sql)) {
            target.bind(ps, cutoff);
            for (int batch = 0; batch < PRUNE_MAX_BATCHES; batch++) {
                int rows = ps.executeUpdate();
                deleted += rows;
                if (rows < PRUNE_BATCH) {
                    break;
                }
            }
        }
        return deleted;
    }

    /**
     * The forecast at {@code now}: a least-squares line through the samples of the forecast window, and the
     * tables that grew most since their first daily point in the window.
     *
     * @param current the latest reachable snapshot (current database and table sizes, and the quota)
     */
    public Forecast forecast(Instant now, DatabaseSnapshot current) {
        Instant from = now.minus(forecastWindow);
        return database.once(Work.MONITOR, c -> {
            int samples;
            double slope;
            Duration span;
            try (PreparedStatement ps = c.prepareStatement(FIT)) {
                ps.setTimestamp(1, Timestamp.from(from));
                ps.setTimestamp(2, Timestamp.from(now));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    samples = rs.getInt(1);
                    slope = rs.getDouble(2);
                    if (rs.wasNull()) {
                        slope = Double.NaN;
                    }
                    Timestamp first = rs.getTimestamp(3);
                    Timestamp last = rs.getTimestamp(4);
                    span = first == null ? Duration.ZERO : Duration.between(first.toInstant(), last.toInstant());
                }
            }
            List<Forecast.TableGrowth> growth = topGrowing(c, from, now, current.tables());
            return Forecast.fromFit(forecastWindow, samples, span, slope, current.storage().databaseBytes(),
                    current.storage().quotaBytes(), growth);
        });
    }

    private static List<Forecast.TableGrowth> topGrowing(Connection c, Instant from, Instant now, List<TableStats> tables)
            throws SQLException {
        Map<String, TableStats> byName = tables.stream()
                .collect(Collectors.toMap(TableStats::displayName, Function.identity(), (a, b) -> a));
        List<Forecast.TableGrowth> growth = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(FIRST_TABLE_POINTS)) {
            ps.setDate(1, Date.valueOf(LocalDate.ofInstant(from, ZoneOffset.UTC)));
            ps.setTimestamp(2, Timestamp.from(from));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TableStats table = byName.get(rs.getString(1) + "." + rs.getString(2));
                    long then = rs.getLong(4);
                    if (table == null || table.totalBytes() <= then) {
                        continue;
                    }
                    Instant since = rs.getTimestamp(3).toInstant();
                    double days = Math.max(Duration.between(since, now).toMillis(), 60_000) / 86_400_000.0;
                    growth.add(new Forecast.TableGrowth(table.schema(), table.name(), then, table.totalBytes(), since,
                            (table.totalBytes() - then) / days));
                }
            }
        }
        growth.sort(Comparator.comparingLong(Forecast.TableGrowth::growthBytes).reversed());
        return growth.size() > TOP_GROWING ? List.copyOf(growth.subList(0, TOP_GROWING)) : growth;
    }

    /** Persisted samples between two instants, oldest first (for the history charts). */
    public List<MetricSample> samples(Instant from, Instant to) {
        return database.withConnection(Work.MONITOR, c -> {
            List<MetricSample> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT sampled_at, database_bytes, quota_bytes, connections_total, connections_active, connections_idle,"
                            + " connections_idle_tx, connections_ours, connections_limit FROM metric_samples"
                            + " WHERE sampled_at >= ? AND sampled_at <= ? ORDER BY sampled_at")) {
                ps.setTimestamp(1, Timestamp.from(from));
                ps.setTimestamp(2, Timestamp.from(to));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(new MetricSample(rs.getTimestamp(1).toInstant(), rs.getLong(2), rs.getLong(3), rs.getInt(4),
                                rs.getInt(5), rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getInt(9)));
                    }
                }
            }
            return result;
        });
    }

    /** A table's daily size points since a day, oldest first (for the growth chart of one table). */
    public List<TableSizePoint> tableSizes(String schema, String table, LocalDate since) {
        return database.withConnection(Work.MONITOR, c -> {
            List<TableSizePoint> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT sampled_on, sampled_at, total_bytes, estimated FROM table_size_samples"
                            + " WHERE schema_name = ? AND table_name = ? AND sampled_on >= ? ORDER BY sampled_on")) {
                ps.setString(1, schema);
                ps.setString(2, table);
                ps.setDate(3, Date.valueOf(since));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(new TableSizePoint(rs.getDate(1).toLocalDate(), rs.getTimestamp(2).toInstant(),
                                rs.getLong(3), rs.getBoolean(4)));
                    }
                }
            }
            return result;
        });
    }
}
