package dev.botops.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.botops.db.MigrationsTest.Sql;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A database exactly as BotOps 0.1.0 left it (its three migrations run by Flyway 10.22 into {@code public}, as
 * 0.1.0 ran them, then partitions and data as its services made them), next to an operator's own table, upgraded
 * by this version's migrator.
 */
@Tag("core")
@ExtendWith(PostgresExtension.class)
class UpgradeFrom010Test {
    /** The tables 0.1.0 created whose rows the move must keep as they are (table_size_samples is checked on its own). */
    private static final List<String> TABLES = List.of("users", "positions", "trades", "processed_updates", "bot_offsets", "price_ticks",
            "message_log", "instance_lease", "metric_samples", "maintenance_runs", "alerts", "demo_data");

    private final TestDatabase testDb;
    private final TestDatabase old;
    private Map<String, String> columns010;

    UpgradeFrom010Test(TestDatabase testDb) {
        this.testDb = testDb;
        this.old = testDb.emptySibling("upgrade010");
        try {
            build010(old);
            columns010 = columnsOf010(old);
        } catch (RuntimeException e) {
            old.drop();
            throw e;
        }
    }

    @AfterEach
    void drop() {
        old.drop();
    }

    @Test
    void theUpgradeMovesEveryTableOf010IntoTheSchemaWithItsDataAndLeavesPublicToTheOperator() {
        Map<String, String> before = contents("public");
        String operatorsTable = Sql.catalog(old, "public").lines().filter(line -> line.startsWith("public.orders")).findFirst().orElseThrow();

        try (Database db = old.newDatabase()) {
            assertThat(Migrations.inspect(db).status()).isEqualTo(SchemaState.Status.LEGACY_PUBLIC);
            Migrations.migrate(db);
            assertThat(Migrations.inspect(db).status()).isEqualTo(SchemaState.Status.CURRENT);
            assertThat(contents("botops")).isEqualTo(before);

            // The bot's sequence came along: the next trade continues the numbering.
            long next = db.inTransaction(Work.BOT, c -> {
                try (var rs = c.createStatement().executeQuery("INSERT INTO trades (user_id, update_id, symbol, side, quantity, price, amount) "
                        + "VALUES (7, 9000, 'AAPL', 'BUY', 1, 190, 190) RETURNING trade_id")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            assertThat(next).isEqualTo(3);
        }

        assertThat(Sql.strings(old, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = 'public' ORDER BY 1")).containsExactly("orders", "orders_id_seq", "orders_pkey");
        assertThat(Sql.catalog(old, "public")).contains(operatorsTable);
        assertThat(Sql.strings(old, "SELECT count(*) FROM public.orders")).containsExactly("2");
        assertThat(Sql.strings(old, "SELECT count(*) FROM botops.price_ticks_p20240101")).containsExactly("1");
        assertThat(Sql.strings(old, "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'botops' AND i.inhparent = 'botops.message_log'::regclass "
                + "ORDER BY 1")).containsExactly("message_log_default", "message_log_p20250101", "message_log_p20250102");
        assertThat(Sql.strings(old, "SELECT obj_description('botops.price_ticks_p20240101'::regclass, 'pg_class')"))
                .containsExactly("botops: detached by retention, to be dropped");
        String user = old.target().user();
        assertThat(Sql.strings(old, "SELECT version || ' ' || app_version || ' ' || applied_by FROM botops.migration_history "
                + "WHERE app_version = '0.1.0' ORDER BY applied_at")).containsExactly("1 0.1.0 " + user, "2.1 0.1.0 " + user, "5.1 0.1.0 " + user);
        // The size history follows the tables it is about; the operator's table keeps its name.
        assertThat(Sql.strings(old, "SELECT schema_name || '.' || table_name FROM botops.table_size_samples ORDER BY 1"))
                .containsExactly("botops.message_log", "public.orders");
    }

    @Test
    void anInterruptedUpgradeLeavesThe010LayoutAndTheNextStartCompletesIt() throws Exception {
        Map<String, String> before = contents("public");
        String catalogBefore = Sql.catalog(old, null);
        // The last table the move takes waits for this lock: by then every earlier table was moved in the same transaction.
        try (Connection blocker = old.admin().getConnection()) {
            blocker.setAutoCommit(false);
            blocker.createStatement().execute("LOCK TABLE public.demo_data IN ACCESS SHARE MODE");
            try (Database db = old.newDatabase(Map.of("database.retry.max-attempts", "1"))) {
                CompletableFuture<String> upgrade = CompletableFuture.supplyAsync(() -> Migrations.migrate(db));
                await().atMost(Duration.ofSeconds(20)).until(() -> !Sql.strings(old, "SELECT pid FROM pg_stat_activity "
                        + "WHERE application_name = 'botops:migration' AND wait_event_type = 'Lock'").isEmpty());
                Sql.run(old, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'botops:migration'");

                assertThatThrownBy(() -> upgrade.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(DatabaseException.class).hasMessageContaining("migration failed");
            }
            blocker.rollback();
        }
        assertThat(Sql.catalog(old, null)).isEqualTo(catalogBefore);
        assertThat(contents("public")).isEqualTo(before);

        try (Database db = old.newDatabase()) {
            Migrations.migrate(db);
        }
        assertThat(contents("botops")).isEqualTo(before);
        assertThat(Sql.strings(old, "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = 'public' AND c.relname <> 'orders' AND c.relname NOT LIKE 'orders_%'")).containsExactly("0");
    }

    @Test
    void botOpsTablesInBothPlacesAreRefusedAndLeftAsTheyAre() throws SQLException {
        try (Connection c = old.admin().getConnection()) {
            MigrationHistory.create(c, "botops");
        }
        String catalogBefore = Sql.catalog(old, null);
        try (Database db = old.newDatabase()) {
            assertThatThrownBy(() -> Migrations.migrate(db)).isInstanceOf(MigrationRefusedException.class)
                    .hasMessageContaining("both in schema public").hasMessageContaining("Nothing was changed");
        }
        assertThat(Sql.catalog(old, null)).isEqualTo(catalogBefore);
    }

    /** The rows of every table 0.1.0 created, in a form that compares (text of each row, sorted), by table. */
    private Map<String, String> contents(String schema) {
        Map<String, String> byTable = new java.util.TreeMap<>();
        for (String table : TABLES) {
            byTable.put(table, String.join("\n", Sql.strings(old, "SELECT ROW(" + columns010.get(table) + ")::text FROM " + schema + "."
                    + table + " t ORDER BY 1")));
        }
        return byTable;
    }

    /** Each table's columns as 0.1.0 made them: later migrations may add columns, the move must keep these. */
    private static Map<String, String> columnsOf010(TestDatabase db) {
        Map<String, String> columns = new java.util.HashMap<>();
        for (String table : TABLES) {
            columns.put(table, Sql.strings(db, "SELECT string_agg('t.' || quote_ident(column_name), ', ' ORDER BY ordinal_position) "
                    + "FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '" + table + "'").get(0));
        }
        return columns;
    }

    /** BotOps 0.1.0's database: Flyway as 0.1.0 configured it (the default schema, public), then what its services wrote. */
    private static void build010(TestDatabase db) {
        Flyway.configure().dataSource(db.jdbcUrl(), db.target().user(), db.target().password()).locations("classpath:db/migration").connectRetries(0)
                .target("5.1").load().migrate();
        Sql.run(db,
                "CREATE TABLE public.orders (id serial PRIMARY KEY, item text)",
                "INSERT INTO public.orders (item) VALUES ('keyboard'), ('mouse')",
                "INSERT INTO public.users VALUES (7, 7, 'seven', 9620, '2025-01-01T10:00:00Z'), (8, 8, NULL, 10000, '2025-01-01T11:00:00Z')",
                "INSERT INTO public.positions VALUES (7, 'AAPL', 2, 190, '2025-01-01T10:05:00Z')",
                "INSERT INTO public.trades (user_id, update_id, symbol, side, quantity, price, amount, executed_at) VALUES "
                        + "(7, 100, 'AAPL', 'BUY', 1, 190, 190, '2025-01-01T10:05:00Z'), (7, 101, 'AAPL', 'BUY', 1, 190, 190, '2025-01-01T10:06:00Z')",
                "INSERT INTO public.processed_updates VALUES (100, 7, 'Bought', '2025-01-01T10:05:00Z'), (101, 7, 'Bought', '2025-01-01T10:06:00Z')",
                "INSERT INTO public.bot_offsets VALUES ('bot:abc', 102, '2025-01-01T10:06:00Z')",
                // Daily partitions as 0.1.0's maintenance created them, and one its retention detached and did not get to drop.
                "CREATE TABLE public.message_log_p20250101 PARTITION OF public.message_log FOR VALUES FROM ('2025-01-01T00:00:00Z') TO ('2025-01-02T00:00:00Z')",
                "CREATE TABLE public.message_log_p20250102 PARTITION OF public.message_log FOR VALUES FROM ('2025-01-02T00:00:00Z') TO ('2025-01-03T00:00:00Z')",
                "CREATE TABLE public.price_ticks_p20240101 (LIKE public.price_ticks)",
                "COMMENT ON TABLE public.price_ticks_p20240101 IS 'botops: detached by retention, to be dropped'",
                "INSERT INTO public.price_ticks_p20240101 VALUES ('AAPL', 180, '2024-01-01T12:00:00Z')",
                "INSERT INTO public.message_log VALUES (100, 7, 7, 'IN', '/buy AAPL 1', '2025-01-01T10:05:00Z'), "
                        + "(100, 7, 7, 'OUT', 'Bought', '2025-01-02T10:05:00Z'), (1, 1, 1, 'IN', 'old', '2024-06-01T00:00:00Z')",
                "INSERT INTO public.price_ticks VALUES ('AAPL', 190, '2025-01-01T10:00:00Z')",
                "INSERT INTO public.instance_lease VALUES ('bot:abc', 'host:1', 'host', 1, '2025-01-01T10:00:00Z', '2025-01-01T10:00:05Z', '2025-01-01T10:00:20Z')",
                "INSERT INTO public.metric_samples VALUES ('2025-01-01T10:00:00Z', 1000000, 10000000, 5, 1, 4, 0, 2, 100)",
                "INSERT INTO public.maintenance_runs (kind, trigger, started_at, outcome) VALUES ('CLEANUP', 'SCHEDULE', '2025-01-01T03:00:00Z', 'SUCCEEDED')",
                "INSERT INTO public.alerts (rule_id, severity, message) VALUES ('storage', 'WARNING', 'Storage at 81 %')",
                "INSERT INTO public.table_size_samples VALUES ('2025-01-01', 'public', 'message_log', '2025-01-01T10:00:00Z', 8192, false), "
                        + "('2025-01-01', 'public', 'orders', '2025-01-01T10:00:00Z', 8192, false)",
                "INSERT INTO public.demo_data VALUES (1, '2025-01-01T09:00:00Z', '2024-12-01T00:00:00Z', '2025-01-01T00:00:00Z')");
    }

}
