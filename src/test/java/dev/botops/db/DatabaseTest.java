package dev.botops.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("core")
@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseTest {
    private TestDatabase testDb;
    private Database db;

    @BeforeAll
    void setUp(TestDatabase testDb) throws SQLException {
        this.testDb = testDb;
        this.db = testDb.newDatabase(Map.of("database.pool-size", "3", "database.retry.initial-delay", "20ms",
                "database.retry.max-delay", "200ms"));
        try (Connection c = testDb.admin().getConnection(); Statement s = c.createStatement()) {
            // A scratch table of the app's: in its schema, where the app's unqualified names resolve.
            s.execute("CREATE TABLE IF NOT EXISTS " + TestDatabase.SCHEMA + ".probe (id int PRIMARY KEY, note text)");
        }
    }

    @AfterAll
    void tearDown() {
        db.close();
    }

    @Test
    void migrationsCreateTheBotAndAppTablesInTheAppsSchema() {
        List<String> tables = db.withConnection(Work.CLI, c -> {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        });
        assertThat(tables).contains("users", "positions", "trades", "processed_updates", "instance_lease",
                "maintenance_runs", "alerts", "price_ticks", "message_log", "metric_samples");
    }

    /** The PostgreSQL 14 run of {@code mvn verify} really runs on 14 (and the usual one on what its binaries are). */
    @Test
    void theServerIsASupportedVersionAndTheOneTheRunAskedFor() {
        ServerVersion version = ServerVersion.check(db);
        assertThat(version.supported()).isTrue();
        String asked = System.getProperty("botops.test.postgres-major");
        if (asked != null && System.getenv("TEST_DATABASE_URL") == null) {
            assertThat(version.major()).isEqualTo(Integer.parseInt(asked));
        }
    }

    @Test
    void connectionsAreLabelledWithTheirWorkAndTimeouts() {
        String[] seen = db.withConnection(Work.MONITOR, c -> {
            try (ResultSet rs = c.createStatement().executeQuery(
                    "SELECT current_setting('application_name'), current_setting('statement_timeout'), current_setting('lock_timeout'), "
                            + "current_setting('idle_in_transaction_session_timeout'), current_schema()")) {
                rs.next();
                return new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)};
            }
        });
        assertThat(seen).containsExactly("botops:monitor", "5s", "200ms", "1min", TestDatabase.SCHEMA);
    }

    @Test
    void aUnitOfWorkLeavesNothingBehindInTheSession() throws SQLException {
        Map<String, String> defaults;
        try (Connection fresh = java.sql.DriverManager.getConnection(testDb.jdbcUrl(), testDb.target().user(), testDb.target().password())) {
            defaults = sessionSettings(fresh);
        }
        defaults.put("application_name", Work.APPLICATION_PREFIX); // what the pool's connections say when they connect
        try (Database single = testDb.newDatabase(Map.of("database.pool-size", "1"))) {
            int pid = single.withConnection(Work.MONITOR, DatabaseTest::backendPid);
            for (int i = 0; i < 10; i++) { // past the driver's default prepareThreshold of 5
                single.withConnection(Work.BOT, c -> countRows(c, "probe"));
                single.inTransaction(Work.MAINTENANCE, c -> countRows(c, "probe"));
                single.once(Work.LEASE, c -> countRows(c, "probe"));
                single.readOnly(Work.CLI, c -> countRows(c, "probe"));
            }
            // The pool's one physical connection, as the next client of a pooler would get it: no unit, no settings.
            try (Connection raw = single.dataSource().getConnection()) {
                assertThat(backendPid(raw)).isEqualTo(pid);
                assertThat(sessionSettings(raw)).isEqualTo(defaults);
                assertThat(countRows(raw, "pg_prepared_statements")).isZero();
            }
        }
    }

    @Test
    void commitInsideAUnitReleasesItsLocksAndKeepsTheWorksSettings() {
        long locksAfterCommit = db.once(Work.MONITOR, c -> {
            countRows(c, "probe");
            c.commit();
            assertThat(sessionSettings(c)).containsEntry("statement_timeout", "5s").containsEntry("lock_timeout", "200ms")
                    .containsEntry("application_name", "botops:monitor").containsEntry("search_path", TestDatabase.SCHEMA);
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_locks "
                    + "WHERE pid = pg_backend_pid() AND relation = 'probe'::regclass")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertThat(locksAfterCommit).isZero();
    }

    @Test
    void rollbackInsideAUnitRecoversFromAFailedStatementWithTheWorksSettings() {
        String timeout = db.once(Work.MONITOR, c -> {
            assertThatThrownBy(() -> c.createStatement().execute("SELECT 1 / 0")).isInstanceOf(SQLException.class);
            c.rollback();
            return sessionSettings(c).get("statement_timeout");
        });
        assertThat(timeout).isEqualTo("5s");
    }

    @Test
    void workOnTheOperatorsTablesRunsWithTheRolesOwnSearchPath() throws SQLException {
        String rolesDefault;
        try (Connection fresh = java.sql.DriverManager.getConnection(testDb.jdbcUrl(), testDb.target().user(), testDb.target().password())) {
            rolesDefault = sessionSettings(fresh).get("search_path");
        }
        Map<String, String> seen = db.inTransaction(Work.MAINTENANCE.onOperatorTables(), DatabaseTest::sessionSettings);
        assertThat(seen).containsEntry("search_path", rolesDefault).containsEntry("application_name", "botops:maintenance");
    }

    @Test
    void readOnlyWorkCannotWrite() {
        assertThatThrownBy(() -> db.readOnly(Work.CLI, c -> c.createStatement().executeUpdate("INSERT INTO probe VALUES (30, 'ro')")))
                .isInstanceOf(DatabaseException.class)
                .satisfies(e -> assertThat(((DatabaseException) e).sqlState()).isEqualTo("25006"));
    }

    @Test
    void autocommitCannotBeSwitchedOnInsideAUnit() {
        assertThatThrownBy(() -> db.withConnection(Work.CLI, c -> {
            c.setAutoCommit(true);
            return null;
        })).isInstanceOf(DatabaseException.class).hasMessageContaining("outsideTransaction");
    }

    @Test
    void vacuumRunsOutsideATransactionWithoutTheWorksSettings() {
        Map<String, String> seen = db.outsideTransaction(Work.VACUUM, c -> {
            c.createStatement().execute("VACUUM (SKIP_LOCKED) botops.probe");
            return sessionSettings(c);
        });
        assertThat(seen).containsEntry("application_name", Work.APPLICATION_PREFIX).containsEntry("statement_timeout", "0");
    }

    @Test
    void aUrlThatSetsPrepareThresholdKeepsIt() {
        ConnectionTarget target = testDb.target();
        ConnectionTarget prepared = new ConnectionTarget(target.jdbcUrl() + "?prepareThreshold=1", target.user(), target.password(),
                target.display(), false);
        try (Database own = new Database(testDb.settings(), prepared)) {
            long statements = own.withConnection(Work.CLI, c -> {
                for (int i = 0; i < 3; i++) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM probe WHERE id > ?")) {
                        ps.setInt(1, i);
                        ps.executeQuery().close();
                    }
                }
                return countRows(c, "pg_prepared_statements");
            });
            assertThat(statements).isPositive();
        }
        long byDefault = db.withConnection(Work.CLI, c -> {
            for (int i = 0; i < 10; i++) {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM probe WHERE id > ?")) {
                    ps.setInt(1, i);
                    ps.executeQuery().close();
                }
            }
            return countRows(c, "pg_prepared_statements");
        });
        assertThat(byDefault).isZero();
    }

    /** The settings a unit of work changes, as this session sees them now. */
    static Map<String, String> sessionSettings(Connection c) throws SQLException {
        Map<String, String> settings = new java.util.TreeMap<>();
        try (ResultSet rs = c.createStatement().executeQuery("SELECT name, current_setting(name) FROM unnest(ARRAY['search_path', "
                + "'statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout', 'application_name', "
                + "'transaction_read_only']) AS name")) {
            while (rs.next()) {
                settings.put(rs.getString(1), rs.getString(2));
            }
        }
        return settings;
    }

    private static int backendPid(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static long countRows(Connection c, String table) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void poolNeverExceedsItsCapUnderConcurrentWork() throws Exception {
        int threads = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger maxSeen = new AtomicInteger();
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return db.withConnection(Work.BOT, c -> {
                    try (ResultSet rs = c.createStatement().executeQuery(
                            "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'botops%' AND datname = current_database()")) {
                        rs.next();
                        maxSeen.accumulateAndGet(rs.getInt(1), Math::max);
                    }
                    c.createStatement().execute("SELECT pg_sleep(0.05)");
                    return 1;
                });
            }));
        }
        start.countDown();
        int done = 0;
        for (Future<Integer> f : results) {
            done += f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(done).isEqualTo(threads);
        assertThat(maxSeen.get()).isBetween(1, 3);
    }

    @Test
    void transactionWhoseBackendIsKilledMidwayIsRetriedAndAppliedOnce() throws SQLException {
        AtomicInteger attempts = new AtomicInteger();
        int result = db.inTransaction(Work.BOT, c -> {
            int attempt = attempts.incrementAndGet();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO probe VALUES (1, 'killed-once')")) {
                ps.execute();
            }
            if (attempt == 1) {
                terminateBackendOf(c);
                c.createStatement().execute("SELECT 1"); // fails: the backend is gone
            }
            return attempt;
        });
        assertThat(result).isEqualTo(2);
        assertThat(countProbe("killed-once")).isEqualTo(1);
    }

    @Test
    void aBackendTerminatedUnderTheWorkIsALostConnection() {
        assertThatThrownBy(() -> db.once(Work.CLI, c -> {
            terminateBackendOf(c);
            return c.createStatement().execute("SELECT 1");
        })).satisfies(e -> {
            assertThat(SqlErrors.isUnavailable(e)).isTrue();
            assertThat(SqlErrors.isConnectionLost(e)).isTrue();
        });
    }

    @Test
    void aDatabaseThatCannotBeReachedIsNotALostConnection() {
        ConnectionTarget nowhere = new ConnectionTarget("jdbc:postgresql://127.0.0.1:1/none", "u", "pw", "nowhere", false);
        try (Database down = new Database(testDb.settings(Map.of("database.connect-timeout", "500ms")), nowhere)) {
            assertThatThrownBy(() -> down.once(Work.CLI, c -> 1)).satisfies(e -> {
                assertThat(SqlErrors.isUnavailable(e)).isTrue();
                assertThat(SqlErrors.isConnectionLost(e)).isFalse();
            });
        }
    }

    /** Ends the connection's backend from the outside and waits until the server has let it go. */
    private void terminateBackendOf(Connection c) throws SQLException {
        int pid;
        try (ResultSet rs = c.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        try (Connection admin = testDb.admin().getConnection();
             PreparedStatement kill = admin.prepareStatement("SELECT pg_terminate_backend(?)");
             PreparedStatement alive = admin.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
            kill.setInt(1, pid);
            kill.execute();
            alive.setInt(1, pid);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
                try (ResultSet rs = alive.executeQuery()) {
                    rs.next();
                    return rs.getInt(1) == 0;
                }
            });
        }
    }

    @Test
    void uniqueViolationIsNotRetried() {
        db.inTransaction(Work.BOT, c -> c.createStatement().executeUpdate("INSERT INTO probe VALUES (10, 'first')"));
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> db.inTransaction(Work.BOT, c -> {
            attempts.incrementAndGet();
            return c.createStatement().executeUpdate("INSERT INTO probe VALUES (10, 'again')");
        })).isInstanceOf(DatabaseException.class)
                .satisfies(e -> assertThat(((DatabaseException) e).sqlState()).isEqualTo("23505"));
        assertThat(attempts.get()).isEqualTo(1);
    }

    @Test
    void exceptionInsideTransactionLeavesNoPartialWrite() throws SQLException {
        assertThatThrownBy(() -> db.inTransaction(Work.BOT, c -> {
            c.createStatement().executeUpdate("INSERT INTO probe VALUES (20, 'partial')");
            c.createStatement().executeUpdate("INSERT INTO probe VALUES (21, 'partial')");
            throw new IllegalStateException("business rule failed");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(countProbe("partial")).isZero();
    }

    @Test
    void databaseThatStaysDownFailsWithinTheBoundWithAClearMessage() {
        ConnectionTarget nowhere = new ConnectionTarget("jdbc:postgresql://127.0.0.1:1/none", "u", "secret-pw", "nowhere", false);
        try (Database down = new Database(testDb.settings(Map.of("database.retry.max-attempts", "3",
                "database.retry.initial-delay", "50ms", "database.retry.max-delay", "100ms",
                "database.retry.max-duration", "5s", "database.connect-timeout", "1s")), nowhere)) {
            Instant start = Instant.now();
            assertThatThrownBy(() -> down.withConnection(Work.CLI, c -> 1))
                    .isInstanceOf(DatabaseException.class)
                    .satisfies(e -> {
                        assertThat(((DatabaseException) e).kind()).isEqualTo(DatabaseException.Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("unavailable").doesNotContain("secret-pw");
                    });
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void busyPoolIsReportedAsExhaustedNotAsDatabaseDown() throws Exception {
        try (Database tiny = testDb.newDatabase(Map.of("database.pool-size", "1", "database.connect-timeout", "500ms"))) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(() -> tiny.withConnection(Work.BOT, c -> {
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }));
            holder.start();
            holding.await();
            try {
                assertThatThrownBy(() -> tiny.withConnection(Work.UI, c -> 1))
                        .isInstanceOf(DatabaseException.class)
                        .satisfies(e -> assertThat(((DatabaseException) e).kind()).isEqualTo(DatabaseException.Kind.POOL_EXHAUSTED));
            } finally {
                release.countDown();
                holder.join();
            }
        }
    }

    private int countProbe(String note) throws SQLException {
        try (Connection c = testDb.admin().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM probe WHERE note = ?")) {
            ps.setString(1, note);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
