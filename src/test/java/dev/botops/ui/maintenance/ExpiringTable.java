package dev.botops.ui.maintenance;

import dev.botops.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/** For screen tests: a table of the operator's own bot under a 30-day retention policy, with rows on both sides of the cutoff. */
public final class ExpiringTable {
    private ExpiringTable() {
    }

    /**
     * Creates {@code table} with {@code expired} rows 40 days old and {@code fresh} rows one day old; returns the
     * settings of its retention policy (30 days, first batch of 100 rows).
     */
    public static Map<String, String> create(TestDatabase db, String table, int expired, int fresh) {
        sql(db, "CREATE TABLE " + table + " (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, note text)",
                "CREATE INDEX ON " + table + " (created_at)",
                "INSERT INTO " + table + " (created_at, note) SELECT now() - interval '40 days' - g * interval '1 second', 'old ' || g "
                        + "FROM generate_series(1, " + expired + ") g",
                "INSERT INTO " + table + " (created_at, note) SELECT now() - interval '1 day', 'fresh ' || g FROM generate_series(1, " + fresh + ") g",
                "ANALYZE " + table);
        return Map.of("retention." + table + ".column", "created_at", "retention." + table + ".max-age", "30d",
                "retention." + table + ".batch-size", "100");
    }

    /** Every DELETE statement on the table takes 50 ms more (as on a busy server), so a cleanup lasts long enough to meet. */
    public static void slowDeletes(TestDatabase db, String table) {
        sql(db, "CREATE OR REPLACE FUNCTION slow_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.05); RETURN NULL; END $$",
                "CREATE TRIGGER slow BEFORE DELETE ON " + table + " FOR EACH STATEMENT EXECUTE FUNCTION slow_delete()");
    }

    public static void sql(TestDatabase db, String... statements) {
        try (Connection c = db.admin().getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    public static long count(TestDatabase db, String query) {
        try (Connection c = db.admin().getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
