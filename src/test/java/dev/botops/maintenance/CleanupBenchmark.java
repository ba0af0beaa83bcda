package dev.botops.maintenance;

import dev.botops.concurrent.Threads;
import dev.botops.config.Settings;
import dev.botops.config.SettingsLoader;
import dev.botops.db.ConnectionTarget;
import dev.botops.db.Database;
import dev.botops.db.Migrations;
import dev.botops.testing.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's benchmark: 5,000,000 ticks over 60 days (half older than 30 days, index on the timestamp),
 * cleaned by (a) one plain DELETE, (b) the batched cleanup, (c) partition drop, each in a database of its
 * own while a second thread inserts 100 ticks per second. Run with
 * {@code mvn -B verify -Pbenchmarks -Dtest=CleanupBenchmark -Dsurefire.failIfNoSpecifiedTests=false};
 * {@code -Dbench.rows=N} scales the data. The table goes to stdout and target/benchmarks/maintenance.md.
 */
@Tag("benchmark")
class CleanupBenchmark {
    private static final int ROWS = Integer.getInteger("bench.rows", 5_000_000);
    private static final int DAYS = 60;
    private static final int INSERTS_PER_SECOND = 100;

    @TempDir
    Path tmp;

    /** One scenario's figures. */
    private record Result(String name, long rows, double seconds, Duration longestStatement, Duration statementP99,
                          double insertP50, double insertP99, double insertMax, int inserts, double walPerRow, long sizeBefore,
                          long sizeAfter, String note) {
    }

    @Test
    void plainDeleteVersusBatchedCleanupVersusPartitionDrop() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setServerConfig("shared_buffers", "256MB")
                .setServerConfig("max_wal_size", "8GB")
                .setServerConfig("checkpoint_timeout", "30min")
                .setServerConfig("max_connections", "50")
                .setServerConfig("autovacuum", "off") // so that (a) and (b) are measured with the explicit VACUUM only
                .start()) {
            List<Result> results = new ArrayList<>();
            results.add(plainDelete(pg));
            results.add(batchedCleanup(pg));
            results.add(partitionDrop(pg));
            String table = table(results);
            System.out.println(table);
            Path out = Path.of("target", "benchmarks", "maintenance.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, table);
        }
    }

    // --- scenarios -------------------------------------------------------------------------------

    private Result plainDelete(EmbeddedPostgres pg) throws Exception {
        String dbName = "bench_plain";
        createDatabase(pg, dbName, false);
        loadPlain(pg, dbName);
        long sizeBefore = databaseSize(pg, dbName);
        long walBefore = walLsn(pg, dbName);
        Inserter inserter = Inserter.start(url(pg, dbName), "INSERT INTO ticks (symbol, price, ts) VALUES ('BTC', 1, now())");
        long started = System.nanoTime();
        long deleted;
        try (Connection c = connect(pg, dbName); Statement s = c.createStatement()) {
            deleted = s.executeUpdate("DELETE FROM ticks WHERE ts < now() - interval '30 days'");
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        inserter.stop();
        long wal = walLsn(pg, dbName) - walBefore;
        vacuum(pg, dbName, "ticks");
        return new Result("(a) one plain DELETE", deleted, seconds(took), took, took, inserter.p(50), inserter.p(99), inserter.max(),
                inserter.count(), (double) wal / deleted, sizeBefore, databaseSize(pg, dbName), "then VACUUM");
    }

    private Result batchedCleanup(EmbeddedPostgres pg) throws Exception {
        String dbName = "bench_batched";
        createDatabase(pg, dbName, true);
        loadPlain(pg, dbName);
        long sizeBefore = databaseSize(pg, dbName);
        try (Database db = new Database(settings(), target(pg, dbName));
             MaintenanceService service = MaintenanceService.create(db, settingsWith(Map.of("retention.ticks.column", "ts",
                     "retention.ticks.max-age", "30d")), new RecordingAlertSink(), Clock.systemUTC(), ZoneOffset.UTC)) {
            List<Duration> batches = new CopyOnWriteArrayList<>();
            service.addProgressListener(p -> {
                if (!p.lastStep().isZero()) {
                    batches.add(p.lastStep());
                }
            });
            long walBefore = walLsn(pg, dbName);
            Inserter inserter = Inserter.start(url(pg, dbName), "INSERT INTO ticks (symbol, price, ts) VALUES ('BTC', 1, now())");
            RunReport report = service.start(RunRequest.cleanup(false).withTables(Set.of("ticks")), Trigger.MANUAL, "benchmark")
                    .completion().get(1, TimeUnit.HOURS);
            inserter.stop();
            long wal = walLsn(pg, dbName) - walBefore;
            vacuum(pg, dbName, "ticks");
            return new Result("(b) batched cleanup", report.rowsDeleted(), seconds(report.duration()), Collections.max(batches),
                    percentile(batches, 99), inserter.p(50), inserter.p(99), inserter.max(), inserter.count(),
                    (double) wal / report.rowsDeleted(), sizeBefore, databaseSize(pg, dbName),
                    String.format(Locale.ROOT, "%d batch transactions walking the heap (%.2f s of the run; the rest is planning and sizes), then VACUUM",
                            batches.size(), seconds(batches.stream().reduce(Duration.ZERO, Duration::plus))));
        }
    }

    private Result partitionDrop(EmbeddedPostgres pg) throws Exception {
        String dbName = "bench_partitioned";
        createDatabase(pg, dbName, true);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        try (Connection c = connect(pg, dbName); Statement s = c.createStatement()) {
            s.execute("CREATE INDEX price_ticks_ts_idx ON botops.price_ticks (ts)");
            for (int d = DAYS; d >= 0; d--) {
                LocalDate day = today.minusDays(d);
                s.execute("CREATE TABLE " + PartitionManager.dailyName(new TableRef(TestDatabase.SCHEMA, "price_ticks"), day).quoted()
                        + " PARTITION OF botops.price_ticks FOR VALUES FROM ('" + day + " 00:00Z') TO ('" + day.plusDays(1) + " 00:00Z')");
            }
            s.execute(loadSql("botops.price_ticks"));
            s.execute("VACUUM ANALYZE botops.price_ticks");
            s.execute("CHECKPOINT");
        }
        long sizeBefore = databaseSize(pg, dbName);
        try (Database db = new Database(settings(), target(pg, dbName));
             MaintenanceService service = MaintenanceService.create(db, settings(), new RecordingAlertSink(), Clock.systemUTC(),
                     ZoneOffset.UTC)) {
            List<CleanupProgress> steps = new CopyOnWriteArrayList<>();
            service.addProgressListener(p -> {
                if (!p.lastStep().isZero()) {
                    steps.add(p);
                }
            });
            long walBefore = walLsn(pg, dbName);
            Inserter inserter = Inserter.start(url(pg, dbName), "INSERT INTO botops.price_ticks (symbol, price, ts) VALUES ('BTC', 1, now())");
            RunReport report = service.start(RunRequest.cleanup(false).withTables(Set.of("price_ticks")), Trigger.MANUAL, "benchmark")
                    .completion().get(1, TimeUnit.HOURS);
            inserter.stop();
            long wal = walLsn(pg, dbName) - walBefore;
            TableResult table = report.tables().get(0);
            List<Duration> all = steps.stream().map(CleanupProgress::lastStep).toList();
            Duration dropTotal = steps.stream().filter(CleanupProgress::lastWasDrop).map(CleanupProgress::lastStep)
                    .reduce(Duration.ZERO, Duration::plus);
            List<CleanupProgress> batchSteps = steps.stream().filter(p -> !p.lastWasDrop()).toList();
            long batchRows = 0;
            long before = 0;
            for (CleanupProgress p : steps) {
                if (!p.lastWasDrop()) {
                    batchRows += p.rowsDeleted() - before;
                }
                before = p.rowsDeleted();
            }
            return new Result("(c) partition drop", report.rowsDeleted(), seconds(report.duration()), Collections.max(all),
                    percentile(all, 99), inserter.p(50), inserter.p(99), inserter.max(), inserter.count(),
                    (double) wal / report.rowsDeleted(), sizeBefore, databaseSize(pg, dbName),
                    String.format(Locale.ROOT, "%d partitions dropped in %.3f s (detach + count + drop each); "
                            + "%,d rows of the boundary day (and DEFAULT) in %d batches", table.droppedPartitions().size(), seconds(dropTotal),
                            batchRows, batchSteps.size()));
        }
    }

    // --- data ------------------------------------------------------------------------------------

    private void createDatabase(EmbeddedPostgres pg, String name, boolean migrate) throws SQLException {
        try (Connection c = connect(pg, "postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        if (migrate) {
            try (Database db = new Database(settings(), target(pg, name))) {
                Migrations.migrate(db);
            }
        }
    }

    private void loadPlain(EmbeddedPostgres pg, String dbName) throws SQLException {
        try (Connection c = connect(pg, dbName); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ticks (symbol text NOT NULL, price numeric(20, 4) NOT NULL, ts timestamptz NOT NULL DEFAULT now())");
            s.execute(loadSql("ticks"));
            s.execute("CREATE INDEX ticks_ts_idx ON ticks (ts)");
            s.execute("VACUUM ANALYZE ticks");
            s.execute("CHECKPOINT");
        }
    }

    /** ROWS ticks evenly over the last DAYS days, in time order, the way a bot appends them. */
    private static String loadSql(String table) {
        return "INSERT INTO " + table + " (symbol, price, ts) SELECT 'SYM' || (g % 20), 100 + (g % 1000) / 10.0, "
                + "now() - interval '" + DAYS + " days' + g * (interval '" + DAYS + " days' / " + ROWS + ") "
                + "FROM generate_series(0, " + (ROWS - 1) + ") g";
    }

    // --- measurement helpers -----------------------------------------------------------------------

    /** Inserts one row per 10 ms on its own connection and records each insert's latency. */
    private static final class Inserter {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Threads.daemon("bench-inserter"));
        private final List<Double> millis = new CopyOnWriteArrayList<>();
        private final Connection connection;
        private final PreparedStatement insert;

        private Inserter(String url, String sql) throws SQLException {
            connection = DriverManager.getConnection(url, "postgres", "");
            insert = connection.prepareStatement(sql);
        }

        static Inserter start(String url, String sql) throws SQLException {
            Inserter inserter = new Inserter(url, sql);
            inserter.timer.scheduleAtFixedRate(inserter::insertOne, 0, 1_000_000 / INSERTS_PER_SECOND, TimeUnit.MICROSECONDS);
            return inserter;
        }

        private void insertOne() {
            long t0 = System.nanoTime();
            try {
                insert.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            millis.add((System.nanoTime() - t0) / 1e6);
        }

        void stop() throws Exception {
            Threads.shutdown(timer, Duration.ofSeconds(30), "The inserter");
            connection.close();
        }

        int count() {
            return millis.size();
        }

        double p(int percent) {
            List<Double> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
        }

        double max() {
            return millis.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }
    }

    private static Duration percentile(List<Duration> values, int percent) {
        List<Duration> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }

    private static void vacuum(EmbeddedPostgres pg, String dbName, String table) throws SQLException {
        try (Connection c = connect(pg, dbName); Statement s = c.createStatement()) {
            s.execute("VACUUM " + table);
            s.execute("CHECKPOINT");
        }
    }

    private static long databaseSize(EmbeddedPostgres pg, String dbName) throws SQLException {
        return number(pg, dbName, "SELECT pg_database_size(current_database())");
    }

    private static long walLsn(EmbeddedPostgres pg, String dbName) throws SQLException {
        return number(pg, dbName, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
    }

    private static long number(EmbeddedPostgres pg, String dbName, String sql) throws SQLException {
        try (Connection c = connect(pg, dbName); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection connect(EmbeddedPostgres pg, String dbName) throws SQLException {
        return DriverManager.getConnection(url(pg, dbName), "postgres", "");
    }

    private static String url(EmbeddedPostgres pg, String dbName) {
        return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + dbName;
    }

    private static ConnectionTarget target(EmbeddedPostgres pg, String dbName) {
        return new ConnectionTarget(url(pg, dbName), "postgres", "", "benchmark " + dbName, false);
    }

    private Settings settings() {
        return settingsWith(Map.of());
    }

    private Settings settingsWith(Map<String, String> extra) {
        Map<String, String> props = new java.util.HashMap<>(Map.of("app.data-dir", tmp.toString(), "database.pool-size", "4"));
        props.putAll(extra);
        return SettingsLoader.fromProperties(props);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static String table(List<Result> results) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%,d rows over %d days, %,d expired; %d inserts/s alongside; %s%n%n", ROWS, DAYS, ROWS / 2,
                INSERTS_PER_SECOND, Instant.now()));
        md.append("| strategy | rows deleted | time | rows/s | longest statement | statement p99 | insert p50 / p99 / max "
                + "(n) | WAL per deleted row | db size before → after | notes |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %,d | %.2f s | %,.0f | %d ms | %d ms | %.2f / %.2f / %.1f ms (%d) | %.0f B | %s → %s | %s |%n",
                    r.name(), r.rows(), r.seconds(), r.rows() / r.seconds(), r.longestStatement().toMillis(), r.statementP99().toMillis(),
                    r.insertP50(), r.insertP99(), r.insertMax(), r.inserts(), r.walPerRow(), mb(r.sizeBefore()), mb(r.sizeAfter()), r.note()));
        }
        return md.toString();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%,.0f MB", bytes / 1048576.0);
    }

}
