package dev.botops.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.db.Database;
import dev.botops.monitor.AlertRules.Finding;
import dev.botops.monitor.UnusualActivityRules.History;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The unusual-activity queries on a real PostgreSQL, on a history written as the app writes it, and the rules on top. */
@ExtendWith(PostgresExtension.class)
class ActivityHistoryTest {
    private static final long MB = 1024 * 1024;
    private static final Instant NOW = Instant.parse("2040-05-07T12:00:00Z");

    private TestDatabase testDb;
    private AdminSql sql;
    private Database db;
    private ActivityHistory history;

    @BeforeEach
    void setUp(TestDatabase testDb) {
        this.testDb = testDb;
        sql = new AdminSql(testDb.admin());
        db = testDb.newDatabase();
        history = new ActivityHistory(db, testDb.settings());
        sql.execute("DELETE FROM metric_samples", "DELETE FROM message_log", "DELETE FROM activity_samples", "DELETE FROM alerts");
        String now = "'" + NOW + "'::timestamptz";
        // 8 days of samples every 10 minutes: 10 MB an hour, then 500 MB in the last hour; 8 other connections, 30 now.
        sql.execute("INSERT INTO metric_samples SELECT t, 1000::bigint * " + MB + "::bigint + (extract(epoch FROM t - (" + now + " - interval '8 days'))"
                + " / 3600 * 10 * " + MB + "::bigint)::bigint + CASE WHEN t > " + now + " - interval '1 hour' THEN 500 * " + MB + "::bigint ELSE 0 END,"
                + " 10240 * " + MB + "::bigint, CASE WHEN t = " + now + " THEN 32 ELSE 10 END, 1, 1, 0, 2, 100"
                + " FROM generate_series(" + now + " - interval '8 days', " + now + ", interval '10 minutes') t");
        // A busy bot: an update every 2 minutes for 30 days, nothing in the last 45 minutes.
        sql.execute("INSERT INTO message_log (update_id, chat_id, user_id, direction, text, logged_at)"
                + " SELECT row_number() OVER (), 1, 1, 'IN', '/price', t FROM generate_series(" + now + " - interval '30 days',"
                + " " + now + " - interval '46 minutes', interval '2 minutes') t");
        // Another instance's counters every 5 minutes for 7 days: one rollback per 15 minutes, then 50 in the last 15.
        sql.execute("INSERT INTO activity_samples (instance, sampled_at, bot_updates, bot_errors, db_commits, db_rollbacks)"
                + " SELECT 'other', t, NULL, NULL, 0, floor(extract(epoch FROM t - (" + now + " - interval '7 days')) / 900)::bigint"
                + " + CASE WHEN t > " + now + " - interval '15 minutes' THEN 50 ELSE 0 END"
                + " FROM generate_series(" + now + " - interval '7 days', " + now + ", interval '5 minutes') t");
    }

    @AfterEach
    void tearDown() {
        sql.execute("DELETE FROM metric_samples", "DELETE FROM message_log", "DELETE FROM activity_samples", "DELETE FROM alerts");
        db.close();
    }

    @Test
    void theQueriesReduceTheHistoryToWhatTheRulesRead() {
        History read = history.read(NOW);

        assertThat(read.hourlySizes()).hasSizeBetween(7 * 24, 7 * 24 + 3);
        assertThat(read.hourlySizes().get(read.hourlySizes().size() - 1)).satisfies(latest -> {
            assertThat(latest.at()).isEqualTo(NOW);
            assertThat(latest.bytes()).isEqualTo(1000 * MB + 8 * 24 * 10 * MB + 500 * MB);
        });
        assertThat(read.othersNow()).isEqualTo(30);
        assertThat(read.hourlyOthers()).allSatisfy(p -> assertThat(p.others()).isIn(8, 30));
        assertThat(read.silence().lastUpdate()).isEqualTo(NOW.minus(Duration.ofMinutes(46)));
        assertThat(read.silence().oldestUpdate()).isEqualTo(NOW.minus(Duration.ofDays(30)));
        assertThat(read.silence().sameStretchWeeksAgo()).containsExactly(10, 10, 10, 10);
        assertThat(read.counters()).filteredOn(s -> s.instance().equals("other")).hasSize(7 * 24 * 12 + 1);
    }

    @Test
    void theRulesOnTheRealQueriesRaiseGrowthSilenceErrorsAndNewcomers() {
        AlertService alerts = new AlertService(db, new MutableClock(NOW));
        alerts.load();
        UnusualActivityMonitor monitor = new UnusualActivityMonitor(history, new UnusualActivityRules(testDb.settings(Map.of())), alerts,
                () -> Optional.of(new ActivityHistory.BotCounters(100, 3)), "this", Duration.ofMinutes(5), new MutableClock(NOW));

        assertThat(monitor.runOnce()).extracting(Finding::ruleId).containsExactlyInAnyOrder(
                UnusualActivityRules.GROWTH, UnusualActivityRules.SILENCE, UnusualActivityRules.ERRORS_PREFIX + "database",
                UnusualActivityRules.NEWCOMERS);

        assertThat(alerts.active(UnusualActivityRules.GROWTH)).hasValueSatisfying(alert ->
                assertThat(alert.message()).startsWith("The database grew by 510 MB in the last hour; 51 times its usual hourly growth of 10 MB"));
        assertThat(alerts.active(UnusualActivityRules.ERRORS_PREFIX + "database")).hasValueSatisfying(alert ->
                assertThat(alert.message()).startsWith("The database rolled back 51 transactions in the last 15 minutes; usually 1.0 per 15 minutes"));
        assertThat(sql.queryLong("SELECT count(*) FROM activity_samples WHERE instance = 'this' AND bot_errors = 3")).isEqualTo(1);
        monitor.close();
        alerts.close();
    }

    @Test
    void samplesPastTheRetentionArePruned() {
        sql.execute("INSERT INTO activity_samples VALUES ('old', '" + NOW.minus(Duration.ofDays(91)) + "', NULL, NULL, 0, 0)");

        history.prune(NOW);

        assertThat(sql.queryLong("SELECT count(*) FROM activity_samples WHERE instance = 'old'")).isZero();
        assertThat(sql.queryLong("SELECT count(*) FROM activity_samples WHERE instance = 'other'")).isPositive();
    }
}
