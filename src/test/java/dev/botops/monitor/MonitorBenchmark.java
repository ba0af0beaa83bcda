package dev.botops.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.concurrent.Threads;
import dev.botops.db.Database;
import dev.botops.db.Work;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One snapshot with 200 and with 2,000 tables, against the naive way (one size query per table, as common
 * exporters do) in the same run, and snapshots while VACUUM FULL holds a large table.
 * Run: {@code mvn -B verify -Pbenchmarks -Dtest=MonitorBenchmark -Dsurefire.failIfNoSpecifiedTests=false};
 * the figures go to {@code target/benchmarks/monitor.md} and the log. The VACUUM FULL part runs second,
 * with all 2,000 tables in place.
 */
@Tag("benchmark")
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitorBenchmark {
    private static final Logger log = LoggerFactory.getLogger(MonitorBenchmark.class);
    private static final int BIG_TABLE_ROWS = 1_500_000;

    private TestDatabase testDb;
    private AdminSql sql;
    private Database db;
    private DatabaseMonitor monitor;
    private final List<String> report = new ArrayList<>();

    @BeforeAll
    void setUp(TestDatabase testDb) {
        this.testDb = testDb;
        this.sql = new AdminSql(testDb.admin());
        this.db = testDb.newDatabase();
        this.monitor = newMonitor();
        sql.execute("CREATE SCHEMA bench");
    }

    @AfterAll
    void tearDown() throws IOException {
        db.close();
        Path out = Path.of("target", "benchmarks", "monitor.md");
        Files.createDirectories(out.getParent());
        Files.write(out, report);
        log.info("Monitor benchmark figures:\n{}", String.join("\n", report));
    }

    private DatabaseMonitor newMonitor() {
        return new DatabaseMonitor(db, testDb.settings(), Clock.systemUTC());
    }

    /** Creates bench.t_{from}..bench.t_{to - 1}: a primary key, a TOAST-able column, a few rows each. */
    private void createTables(int from, int to) {
        sql.execute("DO $$ BEGIN FOR i IN " + from + ".." + (to - 1) + " LOOP"
                + " EXECUTE format('CREATE TABLE bench.t_%s (id int PRIMARY KEY, note text)', i);"
                + " EXECUTE format('INSERT INTO bench.t_%s SELECT g, md5(g::text) FROM generate_series(1, 20) g', i);"
                + " END LOOP; END $$", "ANALYZE");
    }

    @Test
    @Order(1)
    void snapshotCostAgainstTheNaiveWayAt200And2000Tables() throws Exception {
        report.add(String.format(Locale.ROOT, "Load average before the run: %s", loadAverage()));
        report.add("");
        report.add("| tables | way | snapshots | p50 ms | p99 ms | max ms | max monitor connections |");
        report.add("|---:|---|---:|---:|---:|---:|---:|");
        createTables(0, 200);
        measureBothWays(200, 300, 60);
        createTables(200, 2000);
        measureBothWays(2000, 200, 20);
    }

    private void measureBothWays(int benchTables, int snapshots, int naiveRuns) throws Exception {
        int tables = monitor.snapshot().tables().size();
        assertThat(tables).isGreaterThanOrEqualTo(benchTables);
        Result fast;
        try (ConnectionWatch watch = new ConnectionWatch()) {
            fast = time(snapshots, 20, () -> monitor.snapshot().tables().size());
            fast.maxConnections = watch.max();
        }
        Result cold;
        try (ConnectionWatch watch = new ConnectionWatch()) {
            // A new monitor has no sizes yet and reads every table's (what botops status does).
            cold = time(5, 1, () -> newMonitor().snapshot().tables().size());
            cold.maxConnections = watch.max();
        }
        Result naive;
        try (ConnectionWatch watch = new ConnectionWatch()) {
            naive = time(naiveRuns, 3, this::naiveSnapshot);
            naive.maxConnections = watch.max();
        }
        row(tables, "DatabaseMonitor, running (4 queries)", fast);
        row(tables, "DatabaseMonitor, first snapshot (all sizes read)", cold);
        row(tables, "naive (1 size query per table)", naive);
        log.info("{} tables: monitor p99 {} ms vs naive p99 {} ms ({}x faster at p50)", tables, ms(fast.p99()), ms(naive.p99()),
                String.format(Locale.ROOT, "%.1f", naive.p50() / fast.p50()));
        assertThat(fast.maxConnections).isLessThanOrEqualTo(1);
        assertThat(cold.maxConnections).isLessThanOrEqualTo(1);
    }

    @Test
    @Order(2)
    void snapshotsWhileVacuumFullHoldsALargeTable() throws Exception {
        sql.execute("CREATE TABLE bench_big (id bigint PRIMARY KEY, payload text)",
                "INSERT INTO bench_big SELECT g, md5(g::text) || md5((g + 1)::text) FROM generate_series(1, " + BIG_TABLE_ROWS + ") g",
                "ANALYZE bench_big");
        long bigBytes = sql.queryLong("SELECT pg_total_relation_size('bench_big')");
        List<Long> duringVacuum = new ArrayList<>();
        int sawItLocked = 0;
        AtomicBoolean vacuumRunning = new AtomicBoolean(true);
        ExecutorService vacuum = Executors.newSingleThreadExecutor();
        try (Connection probe = sql.open("bench-lock-probe");
             PreparedStatement held = probe.prepareStatement("SELECT count(*) FROM pg_locks WHERE granted"
                     + " AND mode = 'AccessExclusiveLock' AND relation = 'bench_big'::regclass")) {
            Future<?> done = vacuum.submit(() -> {
                try {
                    sql.execute("VACUUM FULL bench_big", "VACUUM FULL bench_big", "VACUUM FULL bench_big");
                } finally {
                    vacuumRunning.set(false);
                }
                return null;
            });
            while (vacuumRunning.get()) {
                boolean heldBefore = count(held) > 0;
                long start = System.nanoTime();
                DatabaseSnapshot snapshot = monitor.snapshot();
                long elapsed = System.nanoTime() - start;
                // Only snapshots taken entirely while VACUUM FULL held its lock count.
                if (heldBefore && count(held) > 0) {
                    duringVacuum.add(elapsed);
                    if (snapshot.tables().stream().anyMatch(t -> t.name().equals("bench_big") && t.sizeEstimated())) {
                        sawItLocked++;
                    }
                }
            }
            done.get(10, TimeUnit.MINUTES);
        } finally {
            vacuum.shutdownNow();
        }
        assertThat(duringVacuum).isNotEmpty();
        Result result = new Result(duringVacuum);
        String naiveUnderLock = naiveDuringLock();
        report.add("");
        report.add(String.format(Locale.ROOT, "While VACUUM FULL rewrites bench_big (%,d rows, %d MB) three times, with the 2,000"
                        + " tables in place: %d snapshots were taken entirely under its lock: p50 %s ms, p99 %s ms, max %s ms;"
                        + " %d of them were due to re-read bench_big's sizes and marked it estimated instead of waiting. %s",
                BIG_TABLE_ROWS, bigBytes / (1024 * 1024), duringVacuum.size(), ms(result.p50()), ms(result.p99()), ms(result.max()),
                sawItLocked, naiveUnderLock));
        report.add("");
        report.add(String.format(Locale.ROOT, "Load average after the run: %s", loadAverage()));
    }

    private static long count(PreparedStatement query) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** What the naive way does while a table is locked (same short lock_timeout as the monitor). */
    private String naiveDuringLock() throws SQLException {
        try (Connection holder = sql.open("bench-lock-holder")) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("LOCK TABLE bench_big IN ACCESS EXCLUSIVE MODE");
            }
            long start = System.nanoTime();
            try {
                naiveSnapshot();
                return "The naive way completed under the lock (unexpected).";
            } catch (RuntimeException e) {
                return String.format(Locale.ROOT, "The naive way, under the same lock and lock_timeout, failed after %s ms (%s).",
                        ms(System.nanoTime() - start), dev.botops.db.SqlErrors.sqlState(e));
            } finally {
                holder.rollback();
            }
        }
    }

    /** The way many exporters do it: list the tables, then one query per table for its sizes and stats. */
    private int naiveSnapshot() {
        return db.once(Work.MONITOR, c -> {
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT pg_database_size(current_database())").close();
                s.executeQuery("SELECT state, count(*) FROM pg_stat_activity GROUP BY state").close();
            }
            List<Long> oids = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                            + " WHERE c.relkind IN ('r', 'm') AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'")) {
                while (rs.next()) {
                    oids.add(rs.getLong(1));
                }
            }
            int read = 0;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT pg_table_size(c.oid), pg_indexes_size(c.oid),"
                            + " CASE WHEN c.reltoastrelid = 0 THEN 0 ELSE pg_total_relation_size(c.reltoastrelid) END,"
                            + " s.n_live_tup, s.n_dead_tup, s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze"
                            + " FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = ?")) {
                for (long oid : oids) {
                    ps.setLong(1, oid);
                    try (ResultSet rs = ps.executeQuery()) {
                        read += rs.next() ? 1 : 0;
                    }
                }
            }
            return read;
        });
    }

    /** The machine is shared: the figures mean more next to how busy it was. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private Result time(int runs, int warmUp, java.util.function.IntSupplier body) {
        for (int i = 0; i < warmUp; i++) {
            body.getAsInt();
        }
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            body.getAsInt();
            nanos.add(System.nanoTime() - start);
        }
        return new Result(nanos);
    }

    private void row(int tables, String way, Result r) {
        report.add(String.format(Locale.ROOT, "| %d | %s | %d | %s | %s | %s | %d |", tables, way, r.count(), ms(r.p50()),
                ms(r.p99()), ms(r.max()), r.maxConnections));
    }

    private static String ms(double nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1_000_000);
    }

    /** Latencies, sorted, with nearest-rank percentiles. */
    private static final class Result {
        final List<Long> sorted;
        int maxConnections;

        Result(List<Long> nanos) {
            sorted = new ArrayList<>(nanos);
            Collections.sort(sorted);
        }

        int count() {
            return sorted.size();
        }

        double percentile(double p) {
            int rank = (int) Math.ceil(p / 100 * sorted.size());
            return sorted.get(Math.max(0, rank - 1));
        }

        double p50() {
            return percentile(50);
        }

        double p99() {
            return percentile(99);
        }

        double max() {
            return sorted.get(sorted.size() - 1);
        }
    }

    /** Polls pg_stat_activity on its own connection and keeps the most monitor connections seen at once. */
    private final class ConnectionWatch implements AutoCloseable {
        private static final long POLL_NANOS = 2_000_000;
        private final AtomicInteger max = new AtomicInteger();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        ConnectionWatch() {
            thread = Threads.daemon("bench-connection-watch").newThread(this::watch);
            thread.start();
        }

        private void watch() {
            try (Connection c = testDb.admin().getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND datname = current_database()")) {
                ps.setString(1, Work.MONITOR.applicationName());
                while (running.get()) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        max.accumulateAndGet(rs.getInt(1), Math::max);
                    }
                    // Pace the polling (about 500 a second) so the watch does not take a core from what it measures.
                    LockSupport.parkNanos(POLL_NANOS);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        int max() {
            return max.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }
}
