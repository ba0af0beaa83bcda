package dev.botops.maintenance;

import static dev.botops.maintenance.MaintenanceHarness.number;
import static dev.botops.maintenance.MaintenanceHarness.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class VacuumTest {

    private static void bloatedTable(TestDatabase testDb, String name) {
        sql(testDb, "CREATE TABLE " + name + " (id bigserial PRIMARY KEY, payload text)",
                "INSERT INTO " + name + " (payload) SELECT repeat('x', 200) FROM generate_series(1, 20000)",
                "DELETE FROM " + name + " WHERE id > 2000");
        // The closed session's counts reach the statistics when its backend exits, a moment after the close.
        await().until(() -> number(testDb, "SELECT coalesce(sum(n_dead_tup), 0) FROM pg_stat_user_tables WHERE relname = '" + name + "'")
                >= 18_000);
    }

    @Test
    void vacuumRunsOutsideATransactionAndReportsSizesAndDeadRowsBeforeAndAfter(TestDatabase testDb) {
        bloatedTable(testDb, "vacuum_plain");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            RunReport report = m.run(RunRequest.vacuum(Set.of("vacuum_plain"), true, false));

            assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
            VacuumReport.TableVacuum table = report.vacuum().tables().get(0);
            assertThat(table.table()).isEqualTo("public.vacuum_plain");
            assertThat(table.bytesBefore()).isPositive();
            assertThat(table.deadRowsBefore()).isGreaterThanOrEqualTo(18_000);
            assertThat(table.deadRowsAfter()).isZero();
            assertThat(table.reusableBytes()).isPositive();
            assertThat(report.vacuum().databaseBytesBefore()).isPositive();
            assertThat(report.vacuum().databaseBytesAfter()).isPositive();
            // A VACUUM inside a transaction block fails (25001); it ran, so the statistics say so.
            assertThat(number(testDb, "SELECT vacuum_count + autovacuum_count FROM pg_stat_user_tables WHERE relname = 'vacuum_plain'"))
                    .isPositive();
            assertThat(number(testDb, "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'vacuum_plain'")).isPositive();
        }
    }

    @Test
    void vacuumFullGivesSpaceBackToTheQuotaWhenThereIsRoom(TestDatabase testDb) {
        bloatedTable(testDb, "vacuum_full_ok");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("limits.storage-quota", "10GB"))) {
            RunReport report = m.run(RunRequest.vacuum(Set.of("vacuum_full_ok"), true, true));

            VacuumReport.TableVacuum table = report.vacuum().tables().get(0);
            assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
            assertThat(table.full()).isTrue();
            assertThat(table.bytesAfter()).isLessThan(table.bytesBefore() / 2);
            assertThat(table.returnedBytes()).isPositive();
            assertThat(report.vacuum().returnedToQuota()).isPositive();
        }
    }

    @Test
    void vacuumFullIsRefusedWithAClearReasonWhenTheQuotaHasNoRoomForTheCopy(TestDatabase testDb) {
        bloatedTable(testDb, "vacuum_full_refused");
        // The database is already bigger than a 1 MB quota: there is no room for a copy of anything.
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("limits.storage-quota", "1MB"))) {
            long sizeBefore = number(testDb, "SELECT pg_total_relation_size('vacuum_full_refused')");
            RunReport report = m.run(RunRequest.vacuum(Set.of("vacuum_full_refused"), true, true));

            assertThat(report.outcome()).isEqualTo(Outcome.FAILED);
            assertThat(report.vacuum().tables().get(0).refusedReason()).contains("VACUUM FULL of public.vacuum_full_refused refused")
                    .contains("needs room for a copy").contains("quota is free");
            assertThat(report.error()).contains("refused");
            assertThat(number(testDb, "SELECT pg_total_relation_size('vacuum_full_refused')")).isEqualTo(sizeBefore);
            assertThat(m.alerts.raised).singleElement().asString().contains(MaintenanceService.ALERT_RULE);
        }
    }

    @Test
    void vacuumWithoutNamedTablesPicksTheTablesWhoseDeadRowsCallForIt(TestDatabase testDb) {
        bloatedTable(testDb, "vacuum_auto");
        sql(testDb, "SELECT pg_stat_force_next_flush()");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("alerts.dead-rows.min-table-size", "0",
                "alerts.dead-rows.percent", "50"))) {
            RunReport report = m.run(RunRequest.vacuum(Set.of(), true, false));

            assertThat(report.vacuum().tables()).extracting(VacuumReport.TableVacuum::table).contains("public.vacuum_auto");
        }
    }
}
