package dev.botops.monitor;

import static dev.botops.monitor.SnapshotBuilder.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.botops.db.Database;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricHistoryTest {
    private static final long MB = 1024 * 1024;
    private static final long GB = 1024 * MB;
    private static final long QUOTA = 10 * GB;

    private TestDatabase testDb;
    private AdminSql sql;
    private Database db;
    private MetricHistory history;

    @BeforeAll
    void setUp(TestDatabase testDb) {
        this.testDb = testDb;
        this.sql = new AdminSql(testDb.admin());
        this.db = testDb.newDatabase();
        this.history = new MetricHistory(db, testDb.settings(Map.of("monitor.forecast-window", "7d", "monitor.history-retention", "30d")));
    }

    @AfterAll
    void tearDown() {
        db.close();
    }

    /** Writes samples every {@code step} over {@code span} ending at {@code end}, sizes from days-before-end. */
    private void samples(Instant end, Duration span, Duration step, DoubleUnaryOperator bytesAtDaysBeforeEnd) {
        try (Connection c = testDb.admin().getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO metric_samples VALUES (?, ?, ?, 1, 1, 0, 0, 1, 100)")) {
            for (Instant at = end.minus(span); !at.isAfter(end); at = at.plus(step)) {
                double daysBefore = Duration.between(at, end).toMillis() / 86_400_000.0;
                ps.setTimestamp(1, Timestamp.from(at));
                ps.setLong(2, Math.round(bytesAtDaysBeforeEnd.applyAsDouble(daysBefore)));
                ps.setLong(3, QUOTA);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Forecast forecastAt(Instant now, long currentBytes) {
        return history.forecast(now, snapshot().takenAt(now).databaseBytes(currentBytes, QUOTA).build());
    }

    @Test
    void forecastIsExactOnLinearGrowth() {
        Instant now = Instant.parse("2040-01-08T00:00:00Z");
        long start = GB;
        long perDay = 100 * MB;
        samples(now, Duration.ofDays(7), Duration.ofHours(1), daysBefore -> start + perDay * (7 - daysBefore));
        long current = start + 7 * perDay;

        Forecast forecast = forecastAt(now, current);

        assertThat(forecast.outcome()).isEqualTo(Forecast.Outcome.GROWING);
        assertThat(forecast.samples()).isEqualTo(7 * 24 + 1);
        // Sizes are whole bytes, so the line is exact to rounding: compare to a relative 1e-9.
        assertThat(forecast.bytesPerDay()).isCloseTo(perDay, offset(perDay * 1e-9));
        assertThat(forecast.daysUntilFull()).isCloseTo((double) (QUOTA - current) / perDay, offset(1e-7));
    }

    @Test
    void forecastSaysNotGrowingOnFlatData() {
        Instant now = Instant.parse("2041-01-08T00:00:00Z");
        samples(now, Duration.ofDays(7), Duration.ofHours(1), daysBefore -> 3 * GB);

        assertThat(forecastAt(now, 3 * GB).outcome()).isEqualTo(Forecast.Outcome.NOT_GROWING);
    }

    @Test
    void forecastSaysNotGrowingOnShrinkingData() {
        Instant now = Instant.parse("2042-01-08T00:00:00Z");
        samples(now, Duration.ofDays(7), Duration.ofHours(1), daysBefore -> 3 * GB + daysBefore * 10 * MB);

        Forecast forecast = forecastAt(now, 3 * GB);

        assertThat(forecast.outcome()).isEqualTo(Forecast.Outcome.NOT_GROWING);
        assertThat(forecast.daysUntilFull()).isNull();
        assertThat(forecast.bytesPerDay()).isCloseTo(-10.0 * MB, offset(10 * MB * 1e-9));
    }

    @Test
    void forecastSaysNotEnoughDataWithTooFewSamples() {
        Instant now = Instant.parse("2043-01-08T00:00:00Z");
        samples(now, Duration.ofDays(4), Duration.ofDays(1), daysBefore -> 5 * GB - daysBefore * GB / 10);

        Forecast forecast = forecastAt(now, 5 * GB);

        assertThat(forecast.outcome()).isEqualTo(Forecast.Outcome.NOT_ENOUGH_DATA);
        assertThat(forecast.samples()).isEqualTo(5);
    }

    @Test
    void forecastSaysNotEnoughDataWhenTheSamplesCoverLessThanADay() {
        Instant now = Instant.parse("2044-01-08T00:00:00Z");
        samples(now, Duration.ofHours(2), Duration.ofMinutes(1), daysBefore -> 5 * GB - daysBefore * GB);

        assertThat(forecastAt(now, 5 * GB).outcome()).isEqualTo(Forecast.Outcome.NOT_ENOUGH_DATA);
    }

    @Test
    void topGrowingTablesAreRankedByGrowthOverTheWindow() {
        Instant now = Instant.parse("2045-01-08T00:00:00Z");
        sql.execute("INSERT INTO table_size_samples VALUES"
                + " ('2045-01-03', 'public', 'fast', '2045-01-03T00:00:00Z', " + MB + ", false),"
                + " ('2045-01-05', 'public', 'fast', '2045-01-05T00:00:00Z', " + 5 * MB + ", false),"
                + " ('2045-01-03', 'public', 'slow', '2045-01-03T00:00:00Z', " + 2 * MB + ", false),"
                + " ('2045-01-03', 'public', 'shrinking', '2045-01-03T00:00:00Z', " + 9 * MB + ", false),"
                // Before the window: ignored.
                + " ('2044-12-20', 'public', 'slow', '2044-12-20T00:00:00Z', 0, false)");
        DatabaseSnapshot current = snapshot().takenAt(now).databaseBytes(GB, QUOTA)
                .table("fast", 11 * MB, 0, 0).table("slow", 3 * MB, 0, 0).table("shrinking", 4 * MB, 0, 0).build();

        Forecast forecast = history.forecast(now, current);

        assertThat(forecast.topGrowing()).extracting(Forecast.TableGrowth::name).containsExactly("fast", "slow");
        Forecast.TableGrowth fast = forecast.topGrowing().get(0);
        assertThat(fast.growthBytes()).isEqualTo(10 * MB);
        assertThat(fast.bytesPerDay()).isCloseTo(2.0 * MB, offset(1e-6));
    }

    @Test
    void pruningDeletesHistoryPastRetentionInBatchesAndKeepsTheRest() {
        sql.execute("DELETE FROM metric_samples", "DELETE FROM table_size_samples", "DELETE FROM alerts");
        Instant now = Instant.parse("2050-06-01T00:00:00Z");
        // 12,000 expired samples: more than two pruning batches.
        samples(now.minus(Duration.ofDays(31)), Duration.ofMinutes(11_999), Duration.ofMinutes(1), daysBefore -> GB);
        samples(now, Duration.ofDays(29), Duration.ofDays(1), daysBefore -> GB);
        sql.execute("INSERT INTO table_size_samples VALUES ('2050-04-01', 'public', 't', '2050-04-01', 1, false),"
                        + " ('2050-05-25', 'public', 't', '2050-05-25', 1, false)",
                "INSERT INTO alerts (rule_id, severity, message, first_seen, last_seen, resolved_at) VALUES"
                        + " ('old-resolved', 'WARNING', 'm', '2050-04-01', '2050-04-01', '2050-04-01'),"
                        + " ('recent-resolved', 'WARNING', 'm', '2050-05-25', '2050-05-25', '2050-05-25'),"
                        + " ('old-but-active', 'WARNING', 'm', '2050-04-01', '2050-04-01', NULL)");

        long deleted = history.prune(now);

        assertThat(deleted).isEqualTo(12_000 + 1 + 1);
        assertThat(sql.queryLong("SELECT count(*) FROM metric_samples WHERE sampled_at < '2050-05-02'")).isZero();
        assertThat(sql.queryLong("SELECT count(*) FROM metric_samples WHERE sampled_at >= '2050-05-02' AND sampled_at <= '2050-06-01'"))
                .isEqualTo(30);
        assertThat(sql.queryLong("SELECT count(*) FROM table_size_samples WHERE sampled_on >= '2050-01-01'")).isEqualTo(1);
        assertThat(sql.queryLong("SELECT count(*) FROM alerts WHERE rule_id IN ('recent-resolved', 'old-but-active')")).isEqualTo(2);
        assertThat(sql.queryLong("SELECT count(*) FROM alerts WHERE rule_id = 'old-resolved'")).isZero();
    }

    @Test
    void historyStaysBoundedWhenRecordedAndPrunedForLongerThanItsRetention() {
        MetricHistory shortLived = new MetricHistory(db, testDb.settings(Map.of("monitor.forecast-window", "1d",
                "monitor.history-retention", "3d")));
        Instant start = Instant.parse("2060-01-01T00:00:00Z");
        Instant now = start;
        // Ten days of hourly samples, pruned daily as the monitor does hourly.
        for (int hour = 0; hour < 240; hour++) {
            now = start.plus(Duration.ofHours(hour));
            shortLived.record(snapshot().takenAt(now).table("growing", hour * MB, 0, 0).build());
            if (hour % 24 == 23) {
                shortLived.prune(now);
            }
        }

        String year2060 = " FROM metric_samples WHERE sampled_at >= '2060-01-01' AND sampled_at < '2061-01-01'";
        assertThat(sql.queryLong("SELECT count(*)" + year2060)).isLessThanOrEqualTo(4 * 24);
        assertThat(sql.queryLong("SELECT (min(sampled_at) >= timestamptz '2060-01-07')::int" + year2060)).isEqualTo(1);
        assertThat(sql.queryLong("SELECT count(*) FROM table_size_samples WHERE table_name = 'growing'")).isLessThanOrEqualTo(4);
    }

    @Test
    void persistedSamplesReadBackInTimeOrder() {
        Instant start = Instant.parse("2080-05-01T00:00:00Z");
        for (int minute = 0; minute < 3; minute++) {
            history.record(snapshot().takenAt(start.plus(Duration.ofMinutes(minute))).databaseBytes((minute + 1) * MB, QUOTA).build());
        }

        assertThat(history.samples(start, start.plus(Duration.ofHours(1))))
                .extracting(MetricHistory.MetricSample::databaseBytes).containsExactly(MB, 2 * MB, 3 * MB);
    }

    @Test
    void eachTableGetsOneSizePointPerDay() {
        Instant morning = Instant.parse("2070-03-01T06:00:00Z");

        history.record(snapshot().takenAt(morning).table("daily", 5 * MB, 0, 0).build());
        history.record(snapshot().takenAt(morning.plus(Duration.ofHours(6))).table("daily", 6 * MB, 0, 0).build());
        history.record(snapshot().takenAt(morning.plus(Duration.ofDays(1))).table("daily", 7 * MB, 0, 0).build());

        assertThat(history.tableSizes("public", "daily", LocalDate.parse("2070-03-01")))
                .extracting(MetricHistory.TableSizePoint::totalBytes).containsExactly(5 * MB, 7 * MB);
    }
}
