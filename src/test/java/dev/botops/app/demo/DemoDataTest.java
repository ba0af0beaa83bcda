package dev.botops.app.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.botops.config.Settings;
import dev.botops.db.Database;
import dev.botops.maintenance.MaintenanceService;
import dev.botops.maintenance.RunReport;
import dev.botops.maintenance.StartResult;
import dev.botops.maintenance.Trigger;
import dev.botops.monitor.Severity;
import dev.botops.monitor.AlertSink;
import dev.botops.testing.PostgresExtension;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoDataTest {
    private static final Instant NOW = Instant.parse("2026-03-20T10:15:30Z");
    private static final long REAL_USER = 424_242L;

    private TestDatabase testDb;
    private Database db;
    private Settings settings;
    private DemoData demo;

    @BeforeAll
    void setUp(TestDatabase testDb) {
        this.testDb = testDb;
        this.settings = testDb.settings();
        this.db = testDb.newDatabase();
        this.demo = new DemoData(db, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    void tearDown() {
        db.close();
    }

    @BeforeEach
    void emptyDatabase() {
        sql("DELETE FROM demo_data", "DELETE FROM message_log", "DELETE FROM processed_updates", "DELETE FROM trades",
                "DELETE FROM positions", "DELETE FROM users", "DELETE FROM metric_samples", "DELETE FROM price_ticks");
    }

    @Test
    void installFillsSixWeeksOfOneMinuteSamplesEndingNow() {
        DemoData.Install install = demo.install(settings);

        assertThat(install.historyTo()).isEqualTo(NOW.truncatedTo(ChronoUnit.MINUTES));
        assertThat(install.historyFrom()).isEqualTo(install.historyTo().minus(DemoData.HISTORY));
        assertThat(count("SELECT count(*) FROM metric_samples")).isEqualTo(DemoData.HISTORY.toMinutes());
        assertThat(count("SELECT count(DISTINCT date_trunc('minute', sampled_at)) FROM metric_samples")).isEqualTo(DemoData.HISTORY.toMinutes());
        assertThat(demo.installed()).contains(install);
    }

    @Test
    void installedHistoryIsPartlyOlderThanTheDefaultRetention() {
        demo.install(settings);

        Instant thirtyDaysAgo = NOW.minus(Duration.ofDays(30));
        assertThat(count("SELECT count(*) FROM message_log WHERE logged_at < '" + thirtyDaysAgo + "'")).isPositive();
        assertThat(count("SELECT count(*) FROM price_ticks WHERE ts < '" + thirtyDaysAgo + "'")).isPositive();
        assertThat(count("SELECT count(*) FROM message_log WHERE logged_at >= '" + thirtyDaysAgo + "'")).isPositive();
        assertThat(count("SELECT count(*) FROM processed_updates WHERE processed_at < '" + NOW.minus(Duration.ofDays(7)) + "'")).isPositive();
    }

    @Test
    void installedUsersTradeConsistently() {
        demo.install(settings);

        assertThat(count("SELECT count(*) FROM users WHERE user_id BETWEEN " + DemoData.FIRST_USER_ID + " AND " + DemoData.LAST_USER_ID))
                .isEqualTo(DemoData.USERS);
        assertThat(count("SELECT count(*) FROM trades")).isPositive();
        // Every trade has its incoming command and the bot's answer in the message log.
        assertThat(count("SELECT count(*) FROM trades t WHERE NOT EXISTS (SELECT 1 FROM message_log m"
                + " WHERE m.update_id = t.update_id AND m.direction = 'IN' AND m.text LIKE '/' || lower(t.side) || ' %')")).isZero();
        assertThat(count("SELECT count(*) FROM trades WHERE update_id >= 0")).isZero();
        assertThat(count("SELECT count(*) FROM users WHERE balance < 0")).isZero();
    }

    @Test
    void historyEndsBeforeTheFirstRealSample() {
        Instant firstReal = NOW.minus(Duration.ofHours(5)).truncatedTo(ChronoUnit.MINUTES);
        sql("INSERT INTO metric_samples VALUES ('" + firstReal + "', 1, 1, 1, 1, 0, 0, 1, 10)");

        DemoData.Install install = demo.install(settings);

        assertThat(install.historyTo()).isEqualTo(firstReal);
        assertThat(count("SELECT count(*) FROM metric_samples WHERE sampled_at >= '" + firstReal + "'")).isEqualTo(1);
    }

    @Test
    void removeDeletesExactlyTheDemoRows() {
        sql("INSERT INTO users (user_id, chat_id, username, balance) VALUES (" + REAL_USER + ", " + REAL_USER + ", 'real', 100)",
                "INSERT INTO trades (user_id, update_id, symbol, side, quantity, price, amount, executed_at) VALUES ("
                        + REAL_USER + ", 7, 'AAPL', 'BUY', 1, 190, 190, '" + NOW.minus(Duration.ofDays(3)) + "')",
                "INSERT INTO message_log (update_id, chat_id, user_id, direction, text, logged_at) VALUES (7, " + REAL_USER + ", "
                        + REAL_USER + ", 'IN', '/buy AAPL 1', '" + NOW.minus(Duration.ofDays(3)) + "'), (7, " + REAL_USER
                        + ", NULL, 'OUT', 'Bought', '" + NOW.minus(Duration.ofDays(3)) + "')",
                "INSERT INTO processed_updates (update_id, chat_id, reply) VALUES (7, " + REAL_USER + ", 'Bought')",
                "INSERT INTO price_ticks (symbol, price, ts) VALUES ('AAPL', 191, '" + NOW.minus(Duration.ofMinutes(1)) + "')",
                "INSERT INTO metric_samples VALUES ('" + NOW.minus(Duration.ofMinutes(1)) + "', 1, 1, 1, 1, 0, 0, 1, 10)");
        demo.install(settings);
        // A live demo message after the install (the traffic generator's users are in the same id range).
        long liveDemoUser = DemoData.FIRST_USER_ID + 3;
        sql("INSERT INTO message_log (update_id, chat_id, user_id, direction, text) VALUES (99, " + liveDemoUser + ", "
                + liveDemoUser + ", 'IN', '/portfolio')");

        DemoData.Removal removal = demo.remove();

        assertThat(removal.total()).isPositive();
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM trades")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM message_log")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM processed_updates")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM price_ticks")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM metric_samples")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM positions")).isZero();
        assertThat(demo.installed()).isEmpty();
    }

    @Test
    void secondInstallIsRefused() {
        demo.install(settings);

        assertThatThrownBy(() -> demo.install(settings)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already loaded");
    }

    @Test
    void databaseWithUsersIsNotEmpty() {
        assertThat(demo.databaseIsEmpty()).isTrue();

        sql("INSERT INTO users (user_id, chat_id, username, balance) VALUES (" + REAL_USER + ", " + REAL_USER + ", 'real', 100)");

        assertThat(demo.databaseIsEmpty()).isFalse();
    }

    @Test
    void cleanupDryRunFindsExpiredDemoRows() throws Exception {
        DemoData realTime = new DemoData(db, Clock.systemUTC());
        realTime.install(settings);
        AlertSink ignore = new AlertSink() {
            @Override
            public void raise(String ruleId, Severity severity, String message, String hint) {
            }

            @Override
            public void resolve(String ruleId) {
            }
        };
        try (MaintenanceService maintenance = MaintenanceService.create(db, settings, ignore, Clock.systemUTC(), ZoneOffset.UTC)) {
            StartResult start = maintenance.startCleanup(true, Trigger.MANUAL, "test");
            assertThat(start.started()).isTrue();
            RunReport report = start.completion().get(120, TimeUnit.SECONDS);

            long expired = count("SELECT (SELECT count(*) FROM message_log WHERE logged_at < now() - interval '30 days')"
                    + " + (SELECT count(*) FROM price_ticks WHERE ts < now() - interval '30 days')"
                    + " + (SELECT count(*) FROM processed_updates WHERE processed_at < now() - interval '7 days')");
            assertThat(report.rowsDeleted()).isEqualTo(expired).isPositive();
        }
    }

    private long count(String query) {
        try (Connection c = testDb.admin().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void sql(String... statements) {
        try (Connection c = testDb.admin().getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
