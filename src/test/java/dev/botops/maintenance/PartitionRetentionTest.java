package dev.botops.maintenance;

import static dev.botops.maintenance.MaintenanceHarness.NOW;
import static dev.botops.maintenance.MaintenanceHarness.number;
import static dev.botops.maintenance.MaintenanceHarness.sql;
import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("core")
@ExtendWith(PostgresExtension.class)
class PartitionRetentionTest {

    @Test
    void serviceStartCreatesDailyPartitionsAheadForEveryPartitionedTable(TestDatabase testDb) {
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("maintenance.partitions-ahead", "7"))) {
            for (String table : new String[] {"message_log", "price_ticks", "metric_samples"}) {
                assertThat(number(testDb, "SELECT count(*) FROM pg_partition_tree('" + table + "') WHERE isleaf AND relid::text LIKE '"
                        + table + "_p202611%'")).as(table).isEqualTo(4); // 27..30 November
                assertThat(number(testDb, "SELECT count(*) FROM pg_partition_tree('" + table + "') WHERE isleaf AND relid::text LIKE '"
                        + table + "_p202612%'")).as(table).isEqualTo(4); // 1..4 December
            }
        }
    }

    @Test
    void insertsAtAnyTimeSucceedAcrossDayBoundariesAndFarFromToday(TestDatabase testDb) {
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            String[] times = {"2026-11-27 23:59:59.999999Z", "2026-11-28 00:00:00Z", "1999-01-01 00:00Z", "2126-01-01 00:00Z",
                    NOW.toString()};
            for (String ts : times) {
                sql(testDb, "INSERT INTO price_ticks (symbol, price, ts) VALUES ('BTC', 1, '" + ts + "')");
            }

            assertThat(number(testDb, "SELECT count(*) FROM price_ticks")).isEqualTo(5);
            assertThat(number(testDb, "SELECT count(*) FROM price_ticks_p20261127")).isEqualTo(2);
            assertThat(number(testDb, "SELECT count(*) FROM price_ticks_p20261128")).isEqualTo(1);
            assertThat(number(testDb, "SELECT count(*) FROM price_ticks_default")).isEqualTo(2);
        }
    }

    @Test
    void creatingAPartitionMovesThatDaysRowsOutOfTheDefaultPartition(TestDatabase testDb) {
        sql(testDb, "INSERT INTO metric_samples SELECT '2026-11-29 10:00Z'::timestamptz + g * interval '1 minute', 1, 1, 1, 1, 1, 1, 1, 1 "
                + "FROM generate_series(0, 99) g");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            assertThat(number(testDb, "SELECT count(*) FROM metric_samples_p20261129")).isEqualTo(100);
            assertThat(number(testDb, "SELECT count(*) FROM metric_samples_default")).isZero();
            assertThat(number(testDb, "SELECT count(*) FROM metric_samples")).isEqualTo(100);
        }
    }

    @Test
    void droppingExpiredPartitionsLowersTheDatabaseSizeAndTheDryRunCountsThem(TestDatabase testDb) {
        for (int day = 1; day <= 5; day++) {
            String date = "2026-10-0" + day;
            sql(testDb, "CREATE TABLE botops.price_ticks_p2026100" + day + " PARTITION OF price_ticks FOR VALUES FROM ('" + date
                    + " 00:00Z') TO ('" + date + " 00:00Z'::timestamptz + interval '1 day')",
                    "INSERT INTO price_ticks (symbol, price, ts) SELECT 'SYM' || (g % 10), g, '" + date
                            + " 00:00Z'::timestamptz + g * interval '1 second' FROM generate_series(0, 19999) g");
        }
        // Other tests of this class may have left an old tick in the default partition.
        long expired = number(testDb, "SELECT count(*) FROM price_ticks WHERE ts < '" + NOW.minus(java.time.Duration.ofDays(30)) + "'");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            RunReport dry = m.run(RunRequest.cleanup(true).withTables(Set.of("price_ticks")));
            sql(testDb, "CHECKPOINT");
            long sizeBefore = number(testDb, "SELECT pg_database_size(current_database())");

            RunReport real = m.run(RunRequest.cleanup(false).withTables(Set.of("price_ticks")));

            long sizeAfter = number(testDb, "SELECT pg_database_size(current_database())");
            assertThat(expired).isBetween(100_000L, 100_001L);
            assertThat(dry.rowsDeleted()).isEqualTo(expired).isEqualTo(real.rowsDeleted());
            assertThat(dry.tables().get(0).droppedPartitions()).hasSize(5);
            assertThat(dry.tables().get(0).quotaBytesFreed()).isPositive();
            assertThat(real.tables().get(0).droppedPartitions()).hasSize(5);
            assertThat(sizeAfter).isLessThan(sizeBefore - real.tables().get(0).quotaBytesFreed() / 2);
            assertThat(number(testDb, "SELECT count(*) FROM pg_class WHERE relname LIKE 'price_ticks_p202610%'")).isZero();
        }
    }

    @Test
    void aPartitionDetachedByACrashedRunIsDroppedByTheNextRun(TestDatabase testDb) {
        sql(testDb, "CREATE TABLE botops.message_log_p20260901 PARTITION OF message_log FOR VALUES FROM ('2026-09-01 00:00Z') TO ('2026-09-02 00:00Z')",
                "INSERT INTO message_log (direction, text, logged_at) SELECT 'IN', 'x', '2026-09-01 00:00Z'::timestamptz + g * interval '1 minute' "
                        + "FROM generate_series(0, 99) g",
                // What a run leaves when the process dies between DETACH and DROP:
                "ALTER TABLE message_log DETACH PARTITION botops.message_log_p20260901",
                "COMMENT ON TABLE botops.message_log_p20260901 IS '" + PartitionManager.DETACHED_COMMENT + "'");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            RunReport report = m.run(RunRequest.cleanup(false).withTables(Set.of("message_log")));

            assertThat(report.rowsDeleted()).isEqualTo(100);
            assertThat(number(testDb, "SELECT count(*) FROM pg_class WHERE relname = 'message_log_p20260901'")).isZero();
        }
    }

    @Test
    void tablesThatMerelyLookLikeDetachedPartitionsAreLeftAlone(TestDatabase testDb) {
        sql(testDb, "CREATE TABLE botops.message_log_p20250101 (note text)", "INSERT INTO message_log_p20250101 VALUES ('mine')");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of())) {
            m.run(RunRequest.cleanup(false).withTables(Set.of("message_log")));

            assertThat(number(testDb, "SELECT count(*) FROM message_log_p20250101")).isEqualTo(1);
        }
    }

    @Test
    void expiredRowsInTheDefaultPartitionAreDeletedInBatches(TestDatabase testDb) {
        Instant old = NOW.minus(java.time.Duration.ofDays(200));
        sql(testDb, "INSERT INTO message_log (direction, text, logged_at) SELECT 'OUT', 'old', '" + old + "'::timestamptz + g * interval '1 second' "
                + "FROM generate_series(0, 2999) g");
        try (MaintenanceHarness m = new MaintenanceHarness(testDb, Map.of("retention.message_log.batch-size", "250"))) {
            RunReport report = m.run(RunRequest.cleanup(false).withTables(Set.of("message_log")));

            assertThat(report.rowsDeleted()).isEqualTo(3_000);
            assertThat(report.tables().get(0).droppedPartitions()).isEmpty();
            assertThat(number(testDb, "SELECT count(*) FROM message_log_default")).isZero();
        }
    }
}
