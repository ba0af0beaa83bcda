package dev.botops.maintenance;

import dev.botops.config.Settings;
import dev.botops.db.Database;
import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One app instance's maintenance on a test database: its own pool, settings, clock and alert sink. */
final class MaintenanceHarness implements AutoCloseable {
    /** "Now" in most tests: a fixed instant, so cutoffs are exact. */
    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    final TestDatabase testDb;
    final Settings settings;
    final Database db;
    final RecordingAlertSink alerts = new RecordingAlertSink();
    final MaintenanceService service;

    MaintenanceHarness(TestDatabase testDb, Map<String, String> overrides) {
        this(testDb, overrides, Clock.fixed(NOW, ZoneOffset.UTC), ZoneOffset.UTC);
    }

    MaintenanceHarness(TestDatabase testDb, Map<String, String> overrides, Clock clock, ZoneId zone) {
        this.testDb = testDb;
        Map<String, String> all = new HashMap<>(Map.of("maintenance.batch-target", "20ms"));
        all.putAll(overrides);
        this.settings = testDb.settings(all);
        this.db = new Database(settings, testDb.target());
        this.service = MaintenanceService.create(db, settings, alerts, clock, zone);
    }

    /** Starts a run and waits for its report; fails the test when it does not start. */
    RunReport run(RunRequest request) {
        StartResult start = service.start(request, Trigger.MANUAL, "test");
        if (!start.started()) {
            throw new AssertionError("run did not start: " + start.reason());
        }
        try {
            return start.completion().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static void sql(TestDatabase testDb, String... statements) {
        try (Connection c = testDb.admin().getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    static long number(TestDatabase testDb, String query) {
        try (Connection c = testDb.admin().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    static String text(TestDatabase testDb, String query) {
        try (Connection c = testDb.admin().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** A plain table like a user's bot table: id, timestamp, text; index on the timestamp. */
    static void createEventsTable(TestDatabase testDb, String name) {
        sql(testDb, "CREATE TABLE " + name + " (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, note text)",
                "CREATE INDEX " + name + "_created_idx ON " + name + " (created_at)");
    }

    /** {@code count} rows from {@code from} going back one second each: {@code from}, {@code from - 1s}, ... */
    static void insertEvents(TestDatabase testDb, String table, Instant from, int count) {
        sql(testDb, "INSERT INTO " + table + " (created_at, note) SELECT '" + from + "'::timestamptz - g * interval '1 second', "
                + "'event ' || g FROM generate_series(0, " + (count - 1) + ") g");
    }

    @Override
    public void close() {
        service.close();
        db.close();
    }
}
