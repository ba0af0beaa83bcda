package dev.botops.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Our own migrator, on databases that start empty (an operator's database before BotOps first connects). */
@Tag("core")
@ExtendWith(PostgresExtension.class)
class MigrationsTest {
    private final TestDatabase testDb;
    /** A database of its own for each test (JUnit makes an instance per test). */
    private final TestDatabase empty;
    private final List<String> roles = new ArrayList<>();

    MigrationsTest(TestDatabase testDb) {
        this.testDb = testDb;
        this.empty = testDb.emptySibling(getClass().getSimpleName());
    }

    @AfterEach
    void dropDatabaseAndRoles() {
        empty.drop();
        for (String role : roles) {
            Sql.run(testDb, "DROP ROLE IF EXISTS " + role);
        }
    }

    @Test
    void aFreshInstallPutsEverythingInItsOwnSchemaAndNothingInPublic() {
        try (Database db = empty.newDatabase()) {
            assertThat(Migrations.migrate(db)).isEqualTo(latest());
        }
        assertThat(Sql.strings(empty, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = 'public'")).isEmpty();
        assertThat(Sql.strings(empty, "SELECT tablename FROM pg_tables WHERE schemaname = 'botops'"))
                .contains("users", "trades", "positions", "message_log", "metric_samples", "alerts", "migration_history");
        String user = empty.target().user();
        assertThat(Sql.strings(empty, "SELECT version || ' ' || description || ' ' || applied_by || ' ' || length(checksum) "
                + "FROM botops.migration_history ORDER BY applied_at, version"))
                .startsWith("1 baseline " + user + " 64", "2.1 table size samples " + user + " 64", "5.1 demo data " + user + " 64");
    }

    @Test
    void anOperatorsTablesAndFlywayHistoryThatShareOurNamesAreLeftAlone() {
        Sql.run(empty, "CREATE TABLE public.users (id serial PRIMARY KEY, email text NOT NULL)",
                "INSERT INTO public.users (email) VALUES ('a@example.com'), ('b@example.com')",
                // The operator's own app runs Flyway too: its history is not ours.
                "CREATE TABLE public.flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200) "
                        + "NOT NULL, type varchar(20) NOT NULL, script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) "
                        + "NOT NULL, installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL, success boolean NOT NULL)",
                "INSERT INTO public.flyway_schema_history VALUES (1, '1', 'init', 'SQL', 'V1__init.sql', 12345, 'app', now(), 5, true)");
        String before = Sql.catalog(empty, "public");

        try (Database db = empty.newDatabase()) {
            Migrations.migrate(db);
        }

        assertThat(Sql.catalog(empty, "public")).isEqualTo(before);
        assertThat(Sql.strings(empty, "SELECT email FROM public.users ORDER BY id")).containsExactly("a@example.com", "b@example.com");
        assertThat(Sql.strings(empty, "SELECT script FROM public.flyway_schema_history")).containsExactly("V1__init.sql");
        assertThat(Sql.strings(empty, "SELECT count(*) FROM botops.users")).containsExactly("0");
    }

    @Test
    void twoInstancesStartingAtOnceMigrateOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try (Database a = empty.newDatabase(); Database b = empty.newDatabase()) {
            for (Database db : List.of(a, b)) {
                results.add(pool.submit(() -> {
                    start.await();
                    return Migrations.migrate(db);
                }));
            }
            start.countDown();
            for (Future<String> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(latest());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(Sql.strings(empty, "SELECT count(*) || ' ' || count(DISTINCT version) FROM botops.migration_history"))
                .containsExactly(Migration.all().size() + " " + Migration.all().size());
    }

    @Test
    void aChangedReleasedMigrationIsRefusedInTheAppsWords() {
        try (Database db = empty.newDatabase()) {
            Migrations.migrate(db);
            Sql.run(empty, "UPDATE botops.migration_history SET checksum = repeat('0', 64) WHERE version = '1'");

            assertThatThrownBy(() -> Migrations.migrate(db)).isInstanceOf(MigrationRefusedException.class)
                    .hasMessageContaining("Migration 1 (baseline) in schema botops was applied with different contents")
                    .hasMessageContaining("Nothing was changed").hasMessageNotContaining("Flyway");
            SchemaState state = Migrations.inspect(db);
            assertThat(state.status()).isEqualTo(SchemaState.Status.MODIFIED);
            assertThat(state.describe()).contains("restore V1__baseline.sql");
        }
    }

    @Test
    void aDatabaseNewerThanTheAppIsRefused() {
        try (Database db = empty.newDatabase()) {
            Migrations.migrate(db);
            Sql.run(empty, "INSERT INTO botops.migration_history (version, description, script, checksum) "
                    + "VALUES ('999.1', 'from the future', 'V999_1__from_the_future.sql', repeat('f', 64))");

            assertThatThrownBy(() -> Migrations.migrate(db)).isInstanceOf(MigrationRefusedException.class)
                    .hasMessageContaining("upgraded by a newer BotOps").hasMessageContaining("999.1");
            SchemaState state = Migrations.inspect(db);
            assertThat(state.status()).isEqualTo(SchemaState.Status.NEWER_THAN_APP);
            assertThat(state.installedVersion()).isEqualTo("999.1");
        }
    }

    @Test
    void pendingMigrationsAreReportedAndThenApplied() {
        try (Database db = empty.newDatabase()) {
            Migrations.migrate(db);
            String latest = Migrations.inspect(db).installedVersion();
            Sql.run(empty, "DROP TABLE botops.demo_data", "DELETE FROM botops.migration_history WHERE version = '5.1'");

            SchemaState pending = Migrations.inspect(db);
            assertThat(pending.status()).isEqualTo(SchemaState.Status.PENDING);
            assertThat(pending.installedVersion()).isEqualTo(latest);
            assertThat(pending.pending()).contains("5.1 (demo data)");

            Migrations.migrate(db);
            assertThat(Migrations.inspect(db).status()).isEqualTo(SchemaState.Status.CURRENT);
        }
    }

    @Test
    void inspectingWritesNothingNotEvenTheSchema() {
        String before = Sql.catalog(empty, null);
        try (Database db = empty.newDatabase()) {
            SchemaState state = Migrations.inspect(db);

            assertThat(state.status()).isEqualTo(SchemaState.Status.NOT_INSTALLED);
            assertThat(state.installed()).isFalse();
            assertThat(state.canMigrate()).isTrue();
            assertThat(state.pending()).hasSize(Migration.all().size());
            assertThat(Migrations.currentVersion(db)).isEqualTo("none");
        }
        assertThat(Sql.catalog(empty, null)).isEqualTo(before);
    }

    @Test
    void aRoleThatMayOnlyReadSeesWhatItMayDo() {
        try (Database owner = empty.newDatabase()) {
            Migrations.migrate(owner);
        }
        String reader = role("GRANT pg_monitor TO %s", "GRANT USAGE ON SCHEMA botops TO %s", "GRANT SELECT ON ALL TABLES IN SCHEMA botops TO %s");
        try (Database db = new Database(empty.settings(), as(reader))) {
            SchemaState state = Migrations.inspect(db);
            assertThat(state.status()).isEqualTo(SchemaState.Status.CURRENT);
            assertThat(state.canWrite()).isFalse();
            assertThat(state.canMigrate()).isFalse();
            assertThat(state.describe()).contains("this role can only read it");
        }
        String stranger = role("GRANT pg_monitor TO %s");
        try (Database db = new Database(empty.settings(), as(stranger))) {
            SchemaState state = Migrations.inspect(db);
            assertThat(state.status()).isEqualTo(SchemaState.Status.UNREADABLE);
            assertThat(state.describe()).contains("GRANT USAGE ON SCHEMA botops");
        }
    }

    @Test
    void aRoleWithoutTheRightToCreateTheSchemaIsToldWhatToGrant() {
        String reader = role("GRANT pg_monitor TO %s");
        String before = Sql.catalog(empty, null);
        try (Database db = new Database(empty.settings(), as(reader))) {
            SchemaState state = Migrations.inspect(db);
            assertThat(state.status()).isEqualTo(SchemaState.Status.NOT_INSTALLED);
            assertThat(state.canMigrate()).isFalse();
            assertThat(state.describe()).contains("GRANT CREATE ON DATABASE");

            assertThatThrownBy(() -> Migrations.migrate(db)).isInstanceOf(MigrationRefusedException.class)
                    .hasMessageContaining("may not install or migrate").hasMessageContaining("GRANT CREATE ON DATABASE");
        }
        assertThat(Sql.catalog(empty, null)).isEqualTo(before);
    }

    @Test
    void anOlderServerIsRefusedNamingItsVersion() {
        ServerVersion thirteen = new ServerVersion(130016, "13.16");
        assertThat(thirteen.supported()).isFalse();
        assertThat(thirteen.refusal()).contains("version 13.16").contains("server_version_num 130016").contains("PostgreSQL 14 or newer");
        assertThat(new ServerVersion(140000, "14.0").supported()).isTrue();
        assertThat(new ServerVersion(180000, "18.0").supported()).isTrue();
    }

    private static String latest() {
        List<Migration> all = Migration.all();
        return all.get(all.size() - 1).version().toString();
    }

    /** A login role for this test (dropped afterwards), with the grants given ({@code %s} is its name). */
    private String role(String... grants) {
        String name = "r_" + UUID.randomUUID().toString().substring(0, 8);
        roles.add(name);
        List<String> sql = new ArrayList<>(List.of("CREATE ROLE " + name + " LOGIN PASSWORD 'pw'"));
        for (String grant : grants) {
            sql.add(grant.formatted(name));
        }
        Sql.run(empty, sql.toArray(new String[0]));
        return name;
    }

    private ConnectionTarget as(String role) {
        return new ConnectionTarget(empty.jdbcUrl(), role, "pw", "test database as " + role, false);
    }

    /** Plain SQL as the test server's superuser. */
    static final class Sql {
        static void run(TestDatabase db, String... statements) {
            try (Connection c = db.admin().getConnection(); Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        static List<String> strings(TestDatabase db, String query) {
            List<String> values = new ArrayList<>();
            try (Connection c = db.admin().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            return values;
        }

        /** Every schema and relation with its kind and columns (of one schema, or of all but the system's): for "unchanged". */
        static String catalog(TestDatabase db, String schema) {
            return String.join("\n", strings(db, "SELECT n.nspname || '.' || coalesce(c.relname, '') || ' ' || coalesce(c.relkind::text, '') "
                    + "|| ' ' || coalesce((SELECT string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod), ',' ORDER BY a.attnum) "
                    + "FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '') "
                    + "FROM pg_namespace n LEFT JOIN pg_class c ON c.relnamespace = n.oid "
                    + "WHERE " + (schema == null ? "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'" : "n.nspname = '" + schema + "'")
                    + " ORDER BY 1"));
        }
    }
}
