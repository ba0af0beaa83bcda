package dev.botops.http;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The app's sessions as PostgreSQL sees them in {@code pg_stat_activity}: how a test tells that a connection was opened. */
final class AppSessions {
    private AppSessions() {
    }

    /** The server's clock, which {@code backend_start} is measured on. */
    static Timestamp serverNow(DataSource admin) throws SQLException {
        try (Connection c = admin.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    /** Backends of the app on this database that started after the instant, as "pid label". */
    static List<String> startedSince(DataSource admin, Timestamp since) throws SQLException {
        try (Connection c = admin.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT pid || ' ' || application_name "
                + "FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'botops%' AND backend_start > ?")) {
            ps.setTimestamp(1, since);
            List<String> sessions = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sessions.add(rs.getString(1));
                }
            }
            return sessions;
        }
    }
}
