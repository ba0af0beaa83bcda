package dev.botops.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fixture itself: a real PgBouncer, in the mode asked for. */
@Tag("pooler")
@Tag("core")
@ExtendWith(PostgresExtension.class)
class PgBouncerTest {

    @Test
    void transactionModeHandsOneClientsSessionStateToTheNext(TestDatabase testDb) throws SQLException {
        try (PgBouncer bouncer = PgBouncer.in(testDb).poolSize(1).start()) {
            try (Connection first = bouncer.connect(); Statement s = first.createStatement()) {
                s.execute("SET statement_timeout = '4321ms'");
                try (Connection second = bouncer.connect()) {
                    // One server connection, two clients: the second inherits what the first set. This is why the
                    // app must never change session state behind a pooler.
                    assertThat(setting(second, "statement_timeout")).isEqualTo("4321ms");
                    assertThat(backendPid(second)).isEqualTo(backendPid(first));
                }
            }
        }
    }

    @Test
    void sessionModeResetsTheServerConnectionBetweenClients(TestDatabase testDb) throws SQLException {
        try (PgBouncer bouncer = PgBouncer.in(testDb).mode(PgBouncer.PoolMode.SESSION).poolSize(1).start()) {
            int pid;
            try (Connection first = bouncer.connect(); Statement s = first.createStatement()) {
                s.execute("SET statement_timeout = '4321ms'");
                pid = backendPid(first);
            }
            try (Connection second = bouncer.connect()) {
                assertThat(backendPid(second)).isEqualTo(pid);
                assertThat(setting(second, "statement_timeout")).isEqualTo("0");
            }
        }
    }

    private static String setting(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_setting('" + name + "')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
