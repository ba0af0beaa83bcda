package dev.botops.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;

import dev.botops.db.ConnectionTarget;
import dev.botops.db.Database;
import dev.botops.monitor.DatabaseSnapshot.TableStats;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("core")
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseMonitorTest {
    private TestDatabase testDb;
    private AdminSql sql;
    private Database db;
    private DatabaseMonitor monitor;

    @BeforeAll
    void setUp(TestDatabase testDb) {
        this.testDb = testDb;
        this.sql = new AdminSql(testDb.admin());
        this.db = testDb.newDatabase();
        this.monitor = new DatabaseMonitor(db, testDb.settings(), Clock.systemUTC());
        sql.execute(
                // Autovacuum off: the figures must stay what the test made them.
                "CREATE TABLE sized (id int PRIMARY KEY, label text, payload text) WITH (autovacuum_enabled = false)",
                "CREATE INDEX sized_label_idx ON sized (label)",
                // Random hex does not compress much: these values go to TOAST.
                "INSERT INTO sized SELECT g, 'row ' || g, (SELECT string_agg(md5(random()::text || g || s), '')"
                        + " FROM generate_series(1, 200) s) FROM generate_series(1, 300) g",
                "CREATE TABLE counted (id int, note text) WITH (autovacuum_enabled = false)",
                "INSERT INTO counted SELECT g, 'n' || g FROM generate_series(1, 1000) g",
                "ANALYZE counted",
                "CREATE TABLE parted (id int, at date) PARTITION BY RANGE (at)",
                "CREATE TABLE parted_2024 PARTITION OF parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
                "CREATE TABLE \"Order\" (id int)",
                "CREATE TABLE locked_one (id int PRIMARY KEY, note text)",
                "INSERT INTO locked_one SELECT g, 'x' FROM generate_series(1, 2000) g",
                "VACUUM ANALYZE locked_one");
    }

    @AfterAll
    void tearDown() {
        db.close();
    }

    private TableStats table(DatabaseSnapshot snapshot, String name) {
        return snapshot.tables().stream().filter(t -> t.schema().equals("public") && t.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no table " + name + " in " + snapshot.tables()));
    }

    @Test
    void tableSizesEqualPostgresOwnSizeFunctions() {
        TableStats sized = table(monitor.snapshot(), "sized");

        assertThat(sized.sizeEstimated()).isFalse();
        assertThat(sized.totalBytes()).isEqualTo(sql.queryLong("SELECT pg_total_relation_size('sized')"));
        assertThat(sized.indexBytes()).isEqualTo(sql.queryLong("SELECT pg_indexes_size('sized')"));
        assertThat(sized.toastBytes())
                .isEqualTo(sql.queryLong("SELECT pg_total_relation_size(reltoastrelid) FROM pg_class WHERE relname = 'sized'"))
                .isPositive();
        assertThat(sized.heapBytes()).isEqualTo(sql.queryLong("SELECT pg_relation_size('sized', 'main') + pg_relation_size('sized', 'fsm')"
                + " + pg_relation_size('sized', 'vm') + pg_relation_size('sized', 'init')"));
    }

    @Test
    void databaseSizeIsWhatPgDatabaseSizeReports() {
        long before = sql.queryLong("SELECT pg_database_size(current_database())");
        DatabaseSnapshot snapshot = monitor.snapshot();
        long after = sql.queryLong("SELECT pg_database_size(current_database())");

        assertThat(snapshot.storage().databaseBytes()).isBetween(Math.min(before, after), Math.max(before, after));
        assertThat(snapshot.storage().quotaBytes()).isEqualTo(10L * 1024 * 1024 * 1024);
        assertThat(snapshot.storage().percentUsed())
                .isCloseTo(100.0 * snapshot.storage().databaseBytes() / snapshot.storage().quotaBytes(), offset(1e-9));
    }

    @Test
    void estimatedRowsAreTheKnownRowCountAfterAnalyze() {
        TableStats counted = table(monitor.snapshot(), "counted");

        assertThat(counted.estimatedRows()).isEqualTo(1000);
        assertThat(counted.lastAnalyze()).isNotNull();
    }

    @Test
    void deadRowsAppearAfterAKnownNumberOfDeletes() {
        sql.execute("CREATE TABLE dead_probe (id int) WITH (autovacuum_enabled = false)",
                "INSERT INTO dead_probe SELECT generate_series(1, 1000)",
                "DELETE FROM dead_probe WHERE id <= 100");
        // The deleting session has closed, which flushes its statistics; the stats view catches up shortly.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            TableStats probe = table(monitor.snapshot(), "dead_probe");
            assertThat(probe.deadRows()).isEqualTo(100);
            assertThat(probe.liveRows()).isEqualTo(900);
            assertThat(probe.deadPercent()).isEqualTo(10.0);
        });
    }

    @Test
    void partitionsAreListedWithTheirParentAndParentsAreNot() {
        DatabaseSnapshot snapshot = monitor.snapshot();

        assertThat(table(snapshot, "parted_2024").partitionOf()).isEqualTo("public.parted");
        assertThat(snapshot.tables()).noneMatch(t -> t.name().equals("parted"));
    }

    @Test
    void qualifiedNamesAreQuotedWhereSqlNeedsIt() {
        DatabaseSnapshot snapshot = monitor.snapshot();

        assertThat(table(snapshot, "Order").qualifiedName()).isEqualTo("public.\"Order\"");
        assertThat(table(snapshot, "sized").qualifiedName()).isEqualTo("public.sized");
    }

    @Test
    void connectionPercentRisesWithExtraConnections() throws SQLException {
        monitor.snapshot();
        DatabaseSnapshot before = monitor.snapshot();
        List<Connection> extra = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                extra.add(sql.open("extra-" + i));
            }
            DatabaseSnapshot after = monitor.snapshot();

            assertThat(after.connections().total()).isEqualTo(before.connections().total() + 5);
            assertThat(after.connections().percentUsed()).isCloseTo(before.connections().percentUsed()
                    + 500.0 / after.connections().limit().usable(), offset(1e-9));
        } finally {
            closeAll(extra);
        }
    }

    @Test
    void appConnectionsAreToldApartFromOthers() {
        // A backend whose client just left (another test's) may still be listed in one snapshot and gone from the
        // next: the whole measurement is repeated until it ran undisturbed, and must then show exactly the three.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            DatabaseSnapshot before = monitor.snapshot();
            List<Connection> extra = new ArrayList<>();
            try {
                extra.add(sql.open("botops:extra-one"));
                extra.add(sql.open("botops:extra-two"));
                extra.add(sql.open("psql"));
                DatabaseSnapshot after = monitor.snapshot();

                assertThat(after.connections().ours()).isEqualTo(before.connections().ours() + 2);
                assertThat(after.connections().others()).isEqualTo(before.connections().others() + 1);
            } finally {
                closeAll(extra);
            }
        });
    }

    @Test
    void usableLimitIsMaxConnectionsLessReservedSlots() {
        long max = sql.queryLong("SELECT current_setting('max_connections')::int");
        long superuserReserved = sql.queryLong("SELECT current_setting('superuser_reserved_connections')::int");
        long reserved = sql.queryLong("SELECT coalesce(current_setting('reserved_connections', true), '0')::int");

        DatabaseSnapshot.ConnectionLimit limit = monitor.snapshot().connections().limit();

        assertThat(limit.usable()).isEqualTo(max - superuserReserved - reserved).isLessThan((int) max);
        assertThat(limit.superuserReserved()).isEqualTo(superuserReserved);
    }

    @Test
    void usableLimitHonoursTheConfiguredPlanCap() {
        DatabaseMonitor capped = new DatabaseMonitor(db, testDb.settings(Map.of("limits.connection-cap", "20")), Clock.systemUTC());

        DatabaseSnapshot.Connections connections = capped.snapshot().connections();

        assertThat(connections.limit().usable()).isEqualTo(20);
        assertThat(connections.percentUsed()).isCloseTo(100.0 * connections.total() / 20, offset(1e-9));
    }

    @Test
    void usableLimitHonoursTheDatabaseConnectionLimit() {
        sql.execute("ALTER DATABASE " + testDb.name() + " CONNECTION LIMIT 30");
        try {
            assertThat(monitor.snapshot().connections().limit().usable()).isEqualTo(30);
        } finally {
            sql.execute("ALTER DATABASE " + testDb.name() + " CONNECTION LIMIT -1");
        }
    }

    @Test
    void usableLimitHonoursTheRoleConnectionLimit() {
        String role = "limited_" + testDb.name();
        sql.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'limited-pw' CONNECTION LIMIT 7");
        try (Database limited = new Database(testDb.settings(),
                new ConnectionTarget(testDb.jdbcUrl(), role, "limited-pw", "limited role", false))) {
            DatabaseSnapshot snapshot = new DatabaseMonitor(limited, testDb.settings(), Clock.systemUTC()).snapshot();

            assertThat(snapshot.connections().limit().roleLimit()).isEqualTo(7);
            assertThat(snapshot.connections().limit().usable()).isEqualTo(7);
        } finally {
            sql.execute("DROP ROLE " + role);
        }
    }

    @Test
    void lockedTableWithoutEarlierSizesIsEstimatedFromPgClass() throws SQLException {
        DatabaseMonitor fresh = newMonitor();
        try (Connection holder = holdExclusiveLock("locked_one")) {
            DatabaseSnapshot snapshot = fresh.snapshot();
            holder.rollback();

            TableStats locked = table(snapshot, "locked_one");
            assertThat(locked.sizeEstimated()).isTrue();
            assertThat(locked.sizesMeasuredAt()).isNull();
            assertThat(locked.heapBytes()).isEqualTo(sql.queryLong(
                    "SELECT relpages::bigint * current_setting('block_size')::bigint FROM pg_class WHERE relname = 'locked_one'"));
            assertThat(locked.indexBytes()).isPositive();
            assertThat(table(snapshot, "sized").sizeEstimated()).isFalse();
        }
    }

    @Test
    void lockedTableThatChangedKeepsItsLastMeasuredSizes() throws SQLException {
        sql.execute("CREATE TABLE rewritten (id int PRIMARY KEY)", "INSERT INTO rewritten SELECT generate_series(1, 1000)");
        DatabaseMonitor fresh = newMonitor();
        TableStats before = table(fresh.snapshot(), "rewritten");
        // TRUNCATE gives the table new files: its sizes are due again, but the lock keeps them from being read.
        sql.execute("TRUNCATE rewritten", "INSERT INTO rewritten SELECT generate_series(1, 5000)");
        try (Connection holder = holdExclusiveLock("rewritten")) {
            TableStats during = table(fresh.snapshot(), "rewritten");
            holder.rollback();

            assertThat(during.sizeEstimated()).isTrue();
            assertThat(during.totalBytes()).isEqualTo(before.totalBytes());
            assertThat(during.sizesMeasuredAt()).isEqualTo(before.sizesMeasuredAt());
        }
    }

    @Test
    void tableRewrittenSinceTheLastSnapshotIsMeasuredAgain() {
        sql.execute("CREATE TABLE regrown (id int PRIMARY KEY, note text)", "INSERT INTO regrown SELECT g, 'a' FROM generate_series(1, 100) g");
        DatabaseMonitor fresh = newMonitor();
        fresh.snapshot();
        sql.execute("TRUNCATE regrown", "INSERT INTO regrown SELECT g, repeat('b', 200) FROM generate_series(1, 5000) g");

        TableStats after = table(fresh.snapshot(), "regrown");

        assertThat(after.totalBytes()).isEqualTo(sql.queryLong("SELECT pg_total_relation_size('regrown')"));
    }

    @Test
    void tableWrittenSinceTheLastSnapshotIsMeasuredAgainOnceItsCountersMove() {
        sql.execute("CREATE TABLE appended (id int, note text)", "INSERT INTO appended SELECT g, 'a' FROM generate_series(1, 10) g");
        DatabaseMonitor fresh = newMonitor();
        fresh.snapshot();
        sql.execute("INSERT INTO appended SELECT g, repeat('c', 100) FROM generate_series(1, 20000) g");
        long expected = sql.queryLong("SELECT pg_total_relation_size('appended')");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(table(fresh.snapshot(), "appended").totalBytes()).isEqualTo(expected));
    }

    @Test
    void unchangedTableIsReadAgainWithinTheRefreshRounds() throws SQLException {
        DatabaseMonitor fresh = newMonitor();
        fresh.snapshot();
        int reReadAttempts = 0;
        try (Connection holder = holdExclusiveLock("locked_one")) {
            for (int i = 0; i < TableReader.REFRESH_ROUNDS; i++) {
                // While locked, a table shows as estimated exactly when its sizes were due.
                if (table(fresh.snapshot(), "locked_one").sizeEstimated()) {
                    reReadAttempts++;
                }
            }
            holder.rollback();
        }
        assertThat(reReadAttempts).isBetween(1, TableReader.REFRESH_ROUNDS - 1);
    }

    @Test
    void snapshotCompletesBehindAQueuedExclusiveLockRequest() throws Exception {
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (Connection reader = inOpenTransaction("long-reader", "SELECT count(*) FROM locked_one");
             Connection ddl = sql.open("queued-ddl")) {
            ddl.setAutoCommit(false);
            Future<?> queued = background.submit(() -> {
                try (Statement s = ddl.createStatement()) {
                    s.execute("LOCK TABLE locked_one IN ACCESS EXCLUSIVE MODE");
                }
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> sql.queryLong("SELECT count(*) FROM pg_locks WHERE NOT granted"
                    + " AND relation = 'locked_one'::regclass AND mode = 'AccessExclusiveLock'") == 1);

            DatabaseSnapshot snapshot = newMonitor().snapshot();

            reader.rollback();
            queued.get(10, TimeUnit.SECONDS);
            ddl.rollback();
            assertThat(table(snapshot, "locked_one").sizeEstimated()).isTrue();
            assertThat(table(snapshot, "counted").sizeEstimated()).isFalse();
        } finally {
            background.shutdownNow();
        }
    }

    @Test
    void lockTakenAfterThePrecheckFallsBackToEstimatesInsteadOfFailing() throws SQLException {
        // Without the pg_locks precheck the size query meets the lock, times out (55P03), retries, and estimates.
        DatabaseMonitor unchecked = new DatabaseMonitor(db, testDb.settings(), Clock.systemUTC(), false);
        try (Connection holder = holdExclusiveLock("locked_one")) {
            DatabaseSnapshot snapshot = unchecked.snapshot();
            holder.rollback();

            assertThat(snapshot.reachable()).isTrue();
            assertThat(snapshot.tables()).isNotEmpty().allMatch(TableStats::sizeEstimated);
        }
    }

    @Test
    void concurrentSnapshotRequestsTakeTurnsOnOneConnection() throws Exception {
        try (Database pool = testDb.newDatabase(Map.of("database.pool-size", "4"))) {
            DatabaseMonitor shared = new DatabaseMonitor(pool, testDb.settings(), Clock.systemUTC());
            ExecutorService callers = Executors.newFixedThreadPool(4);
            try {
                List<CompletableFuture<DatabaseSnapshot>> results = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    results.add(CompletableFuture.supplyAsync(shared::snapshot, callers));
                }
                CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            } finally {
                callers.shutdown();
            }
            Database.PoolStats stats = pool.poolStats();
            assertThat(stats.active() + stats.idle()).isEqualTo(1);
        }
    }

    @Test
    void longRunningQueryAndIdleTransactionAreReportedWithoutTheirLiterals() throws Exception {
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (Connection idle = inOpenTransaction("idle-tx-app", "SELECT 'secret-literal' FROM counted LIMIT 1");
             Connection busy = sql.open("busy-app")) {
            Future<?> sleeping = background.submit(() -> {
                try (Statement s = busy.createStatement()) {
                    s.execute("SELECT pg_sleep(2), 'another-secret'");
                }
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                DatabaseSnapshot.Sessions sessions = monitor.snapshot().sessions();
                assertThat(sessions.longestQuery()).isNotNull();
                assertThat(sessions.longestQuery().application()).isEqualTo("busy-app");
                assertThat(sessions.longestQuery().query()).contains("pg_sleep").doesNotContain("another-secret");
                assertThat(sessions.idleInTransaction()).extracting(DatabaseSnapshot.Session::application).contains("idle-tx-app");
                assertThat(sessions.idleInTransaction()).allMatch(s -> !s.query().contains("secret-literal"));
                assertThat(sessions.oldestTransaction()).isNotNull();
            });
            idle.rollback();
            sleeping.get(10, TimeUnit.SECONDS);
        } finally {
            background.shutdownNow();
        }
    }

    @Test
    void serverVersionUptimeAndTransactionIdAgeAreReported() {
        String xidAge = "SELECT age(datfrozenxid) FROM pg_database WHERE datname = current_database()";
        long before = sql.queryLong(xidAge);
        DatabaseSnapshot.Server server = monitor.snapshot().server();
        long after = sql.queryLong(xidAge);

        assertThat(server.versionNumber()).isEqualTo(sql.queryLong("SELECT current_setting('server_version_num')::int"));
        assertThat(server.uptime()).isPositive();
        assertThat(server.xidAge()).isBetween(before, after);
        assertThat(server.database()).isEqualTo(testDb.name());
    }

    private DatabaseMonitor newMonitor() {
        return new DatabaseMonitor(db, testDb.settings(), Clock.systemUTC());
    }

    /** Holds the lock VACUUM FULL takes, in an open transaction, until the connection is rolled back or closed. */
    private Connection holdExclusiveLock(String table) throws SQLException {
        return inOpenTransaction("vacuum-full-stand-in", "LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
    }

    /** A session of its own that ran a statement in a transaction it keeps open. */
    private Connection inOpenTransaction(String application, String statement) throws SQLException {
        Connection c = sql.open(application);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(statement);
        }
        return c;
    }

    private static void closeAll(List<Connection> connections) throws SQLException {
        for (Connection c : connections) {
            c.close();
        }
    }
}
