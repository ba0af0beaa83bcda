package dev.botops.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.db.MigrationsTest.Sql;
import dev.botops.monitor.DatabaseMonitor;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.testing.PgBouncer;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The database layer behind a real PgBouncer, given the pooler's plain URL (nothing added by hand): migrations,
 * every kind of unit of work, the monitor's snapshot and VACUUM; and nothing of ours reaches the pooler's other
 * clients.
 */
@Tag("pooler")
@Tag("core")
@ExtendWith(PostgresExtension.class)
class PoolerTest {
    /** The operator's database before BotOps first connects (one per test: JUnit makes an instance per test). */
    private final TestDatabase empty;

    PoolerTest(TestDatabase testDb) {
        this.empty = testDb.emptySibling("pooler");
    }

    @AfterEach
    void drop() {
        empty.drop();
    }

    @Test
    void theAppsDatabaseWorkRunsThroughATransactionModePooler() throws Exception {
        try (PgBouncer bouncer = PgBouncer.in(empty).start(); Database db = bouncer.newDatabase(Map.of("database.pool-size", "4"))) {
            assertThat(bouncer.database().databaseUrl()).doesNotContain("?");
            Migrations.migrate(db);
            assertThat(Migrations.inspect(db).status()).isEqualTo(SchemaState.Status.CURRENT);

            // Many clients, the same statements over and over: with server-side prepared statements this fails at once
            // ("prepared statement S_1 already exists" / "does not exist") as transactions land on other server connections.
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                List<Future<Long>> results = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    long user = 1000 + t;
                    results.add(threads.submit(() -> {
                        long sum = 0;
                        for (int i = 0; i < 30; i++) {
                            db.inTransaction(Work.BOT, c -> {
                                try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (user_id, chat_id, balance) VALUES (?, ?, 100) "
                                        + "ON CONFLICT (user_id) DO UPDATE SET balance = users.balance + 1")) {
                                    ps.setLong(1, user);
                                    ps.setLong(2, user);
                                    return ps.executeUpdate();
                                }
                            });
                            sum += db.withConnection(Work.MONITOR, c -> balance(c, user));
                            sum += db.readOnly(Work.CLI, c -> balance(c, user));
                            sum += db.once(Work.LEASE, c -> balance(c, user));
                        }
                        return sum;
                    }));
                }
                for (Future<Long> result : results) {
                    assertThat(result.get(120, TimeUnit.SECONDS)).isPositive();
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(Sql.strings(empty, "SELECT sum(balance)::bigint FROM botops.users")).containsExactly(String.valueOf(8 * (100 + 29)));

            DatabaseSnapshot snapshot = new DatabaseMonitor(db, bouncer.settings(Map.of()), Clock.systemUTC()).snapshot();
            assertThat(snapshot.state()).isEqualTo(DatabaseSnapshot.State.OK);
            assertThat(snapshot.tables()).anySatisfy(t -> assertThat(t.qualifiedName()).isEqualTo("botops.users"));

            db.outsideTransaction(Work.VACUUM, c -> c.createStatement().execute("VACUUM (ANALYZE, SKIP_LOCKED) botops.users"));
        }
    }

    @Test
    void nothingTheAppSetsReachesAnotherClientOfThePooler() throws SQLException {
        try (Database owner = empty.newDatabase()) {
            Migrations.migrate(owner);
        }
        Map<String, String> defaults;
        try (Connection direct = java.sql.DriverManager.getConnection(empty.jdbcUrl(), empty.target().user(), empty.target().password())) {
            defaults = DatabaseTest.sessionSettings(direct);
        }
        // One server connection for every client of the pooler: the next client gets exactly what the app left.
        try (PgBouncer bouncer = PgBouncer.in(empty).poolSize(1).start(); Database db = bouncer.newDatabase(Map.of())) {
            Migrations.migrate(db);
            int appsBackend = db.withConnection(Work.MONITOR, PoolerTest::backendPid);
            for (int i = 0; i < 10; i++) {
                db.inTransaction(Work.MAINTENANCE, c -> balance(c, 1));
                db.readOnly(Work.CLI, c -> balance(c, 1));
            }
            new DatabaseMonitor(db, bouncer.settings(Map.of()), Clock.systemUTC()).snapshot();

            try (Connection other = bouncer.connect()) {
                assertThat(backendPid(other)).isEqualTo(appsBackend);
                Map<String, String> seen = DatabaseTest.sessionSettings(other);
                assertThat(seen).containsEntry("search_path", defaults.get("search_path"))
                        .containsEntry("statement_timeout", defaults.get("statement_timeout"))
                        .containsEntry("lock_timeout", defaults.get("lock_timeout"))
                        .containsEntry("idle_in_transaction_session_timeout", defaults.get("idle_in_transaction_session_timeout"))
                        .containsEntry("transaction_read_only", "off");
                assertThat(seen.get("application_name")).doesNotStartWith("botops:");
                try (ResultSet rs = other.createStatement().executeQuery("SELECT count(*) FROM pg_prepared_statements")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isZero();
                }
                // The operator's bot, on the same role, still finds its own tables first.
                other.createStatement().execute("CREATE TABLE public.users (id int)");
                try (ResultSet rs = other.createStatement().executeQuery("SELECT to_regclass('users')::text")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("users");
                }
            }
        }
    }

    @Test
    void aSessionModePoolerWorksAsADirectConnectionDoes() {
        try (PgBouncer bouncer = PgBouncer.in(empty).mode(PgBouncer.PoolMode.SESSION).start(); Database db = bouncer.newDatabase(Map.of())) {
            Migrations.migrate(db);
            db.inTransaction(Work.BOT, c -> c.createStatement().executeUpdate("INSERT INTO users (user_id, chat_id, balance) VALUES (1, 1, 5)"));
            long balance = db.withConnection(Work.CLI, c -> balance(c, 1));
            assertThat(balance).isEqualTo(5);
            assertThat(new DatabaseMonitor(db, bouncer.settings(Map.of()), Clock.systemUTC()).snapshot().state())
                    .isEqualTo(DatabaseSnapshot.State.OK);
        }
    }

    private static long balance(Connection c, long user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce((SELECT balance FROM users WHERE user_id = ?), 0)::bigint")) {
            ps.setLong(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
