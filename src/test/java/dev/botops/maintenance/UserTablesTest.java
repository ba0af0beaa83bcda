package dev.botops.maintenance;

import static dev.botops.maintenance.MaintenanceHarness.number;
import static dev.botops.maintenance.MaintenanceHarness.sql;
import static dev.botops.maintenance.MaintenanceHarness.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.botops.config.ConfigException;
import dev.botops.db.Database;
import dev.botops.db.Migrations;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.RoleDatabase;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Maintenance acts only on the database's own tables: the rule of {@link UserTables}, at the service. */
@ExtendWith(PostgresExtension.class)
class UserTablesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "pg_catalog.pg_class | pg_catalog.pg_class is a system catalog table",
        "pg_class | pg_catalog.pg_class is a system catalog table",
        "information_schema.sql_features | information_schema.sql_features is a system catalog table",
        "public.user_tables_view | public.user_tables_view is a view, not a table",
        "public.user_tables_events_id_seq | is a sequence, not a table",
        "public.no_such_table | No table named 'public.no_such_table'",
        "no_such_schema.events | No table named 'no_such_schema.events'",
    })
    void vacuumOfARelationThatIsNoUserTableIsRefusedSayingWhyAndNotRecorded(String table, String reason, TestDatabase testDb) {
        sql(testDb, "CREATE TABLE IF NOT EXISTS user_tables_events (id bigserial PRIMARY KEY, note text)",
                "CREATE OR REPLACE VIEW user_tables_view AS SELECT * FROM user_tables_events");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            long runsBefore = number(testDb, "SELECT count(*) FROM maintenance_runs");

            StartResult result = m.service.startVacuum(Set.of(table), true, false, Trigger.HTTP, "test");

            assertThat(result.status()).isEqualTo(StartResult.Status.INVALID);
            assertThat(result.reason()).contains(reason);
            assertThat(number(testDb, "SELECT count(*) FROM maintenance_runs")).isEqualTo(runsBefore);
        }
    }

    @Test
    void toastTableOfAUserTableIsRefusedNamingTheTableItBelongsTo(TestDatabase testDb) {
        sql(testDb, "CREATE TABLE IF NOT EXISTS user_tables_long (id bigint PRIMARY KEY, body text)");
        String toast = text(testDb, "SELECT n.nspname || '.' || t.relname FROM pg_class c JOIN pg_class t ON t.oid = c.reltoastrelid "
                + "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE c.oid = 'user_tables_long'::regclass");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            StartResult result = m.service.startVacuum(Set.of(toast), false, false, Trigger.MANUAL, "test");

            assertThat(result.status()).isEqualTo(StartResult.Status.INVALID);
            assertThat(result.reason()).contains(toast + " is a TOAST table").contains("maintain the table it belongs to");
        }
    }

    @Test
    void temporaryTableOfAnotherSessionIsRefused(TestDatabase testDb) throws Exception {
        try (Connection other = testDb.admin().getConnection(); Statement s = other.createStatement()) {
            s.execute("CREATE TEMP TABLE scratch (id int)");
            String name;
            try (ResultSet rs = s.executeQuery("SELECT pg_my_temp_schema()::regnamespace::text || '.scratch'")) {
                rs.next();
                name = rs.getString(1);
            }
            try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
                StartResult result = m.service.startVacuum(Set.of(name), false, false, Trigger.MANUAL, "test");

                assertThat(result.status()).isEqualTo(StartResult.Status.INVALID);
                assertThat(result.reason()).contains("is a temporary table");
            }
        }
    }

    @Test
    void cleanupOfATableNoPolicyCoversIsRefusedListingThePolicies(TestDatabase testDb) {
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            StartResult result = m.service.start(RunRequest.cleanup(false).withTables(Set.of("pg_catalog.pg_class")), Trigger.CLI, "test");

            assertThat(result.status()).isEqualTo(StartResult.Status.INVALID);
            assertThat(result.reason()).contains("No enabled retention policy covers pg_catalog.pg_class").contains("botops.message_log");
        }
    }

    @Test
    void vacuumOfAnOrdinaryTableStillRuns(TestDatabase testDb) throws Exception {
        sql(testDb, "CREATE TABLE IF NOT EXISTS user_tables_events (id bigserial PRIMARY KEY, note text)");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            StartResult result = m.service.startVacuum(Set.of("user_tables_events"), true, false, Trigger.MANUAL, "test");

            assertThat(result.started()).isTrue();
            assertThat(result.completion().get(60, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.SUCCEEDED);
        }
    }

    @Test
    void anotherRolesTableIsRefusedForVacuumAndAsARetentionPolicy(TestDatabase testDb) throws Exception {
        try (RoleDatabase roleDb = RoleDatabase.create(testDb, "app", 8)) {
            String other = roleDb.role() + "_other";
            try (Database db = new Database(roleDb.settings(Map.of()), roleDb.target())) {
                Migrations.migrate(db);
                roleDb.asAdmin("CREATE ROLE " + other + " NOLOGIN",
                        "CREATE TABLE public.ledger (id bigserial PRIMARY KEY, booked_at timestamptz NOT NULL DEFAULT now())",
                        "ALTER TABLE public.ledger OWNER TO " + other, "GRANT SELECT, DELETE ON public.ledger TO " + roleDb.role());
                try (MaintenanceService service = MaintenanceService.create(db, roleDb.settings(Map.of()), new RecordingAlertSink(),
                        Clock.systemUTC(), ZoneOffset.UTC)) {
                    StartResult result = service.startVacuum(Set.of("public.ledger"), true, false, Trigger.HTTP, "test");

                    assertThat(result.status()).isEqualTo(StartResult.Status.INVALID);
                    assertThat(result.reason()).isEqualTo("public.ledger belongs to role " + other + ", not to " + roleDb.role()
                            + " (the role BotOps connects as): maintenance acts only on the tables its role owns.");
                }
                assertThatThrownBy(() -> MaintenanceService.create(db, roleDb.settings(Map.of("retention.ledger.column", "booked_at",
                        "retention.ledger.max-age", "30d")), new RecordingAlertSink(), Clock.systemUTC(), ZoneOffset.UTC))
                        .isInstanceOf(ConfigException.class)
                        .hasMessageContaining("Retention policy 'ledger': public.ledger belongs to role " + other)
                        .hasMessageContaining("Fix retention.ledger.table");
            } finally {
                roleDb.asAdmin("DROP TABLE IF EXISTS public.ledger", "DROP ROLE IF EXISTS " + other);
            }
        }
    }
}
