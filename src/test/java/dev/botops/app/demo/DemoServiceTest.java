package dev.botops.app.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.app.AppContext;
import dev.botops.maintenance.Outcome;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.TableResult;
import dev.botops.maintenance.Trigger;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The demo's headline: the first cleanup it invites gives space back to the quota. */
@ExtendWith(PostgresExtension.class)
class DemoServiceTest {
    private static final Logger log = LoggerFactory.getLogger(DemoServiceTest.class);

    @Test
    void demoHistoryLiesInDailyPartitionsSoTheFirstCleanupDropsWholeDaysAndTheDatabaseShrinks(TestDatabase db) throws Exception {
        try (AppContext context = AppContext.start(db.settings(Map.of("maintenance.scheduler-enabled", "false")))) {
            context.demo().install(context.settings());

            for (String table : new String[] {"price_ticks", "message_log", "metric_samples"}) {
                assertThat(count(db, "SELECT count(*) FROM " + table + "_default")).as("%s rows in DEFAULT", table).isZero();
                assertThat(count(db, "SELECT count(*) FROM " + table)).as("%s rows", table).isPositive();
            }
            long before = databaseSize(db);

            RunReport report = context.maintenance().startCleanup(false, Trigger.MANUAL, "test").completion().get(5, TimeUnit.MINUTES);

            long after = databaseSize(db);
            log.info("Demo data's first cleanup: {} rows deleted, database {} -> {} bytes; report {} -> {}", report.rowsDeleted(), before,
                    after, report.databaseBytesBefore(), report.databaseBytesAfter());
            assertThat(report.outcome()).isEqualTo(Outcome.SUCCEEDED);
            for (String table : new String[] {"price_ticks", "message_log"}) {
                TableResult result = report.tables().stream().filter(t -> t.table().endsWith("." + table)).findFirst().orElseThrow();
                assertThat(result.strategy()).isEqualTo("PARTITION_DROP");
                assertThat(result.droppedPartitions()).as("%s partitions dropped", table).hasSizeGreaterThanOrEqualTo(11);
                assertThat(result.quotaBytesFreed()).as("%s bytes back to the quota", table).isPositive();
            }
            assertThat(after).as("database size after the first cleanup").isLessThan(before * 9 / 10);
            assertThat(report.databaseBytesAfter()).isLessThan(report.databaseBytesBefore() * 9 / 10);
        }
    }

    private static long databaseSize(TestDatabase db) {
        return count(db, "SELECT pg_database_size(current_database())");
    }

    private static long count(TestDatabase db, String query) {
        try (Connection c = db.admin().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
