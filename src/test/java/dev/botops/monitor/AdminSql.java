package dev.botops.monitor;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Plain SQL on a test database's admin connection, for setting up and checking against PostgreSQL's own figures. */
public final class AdminSql {
    private final DataSource admin;

    public AdminSql(DataSource admin) {
        this.admin = admin;
    }

    public void execute(String... statements) {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public long queryLong(String sql) {
        try (Connection c = admin.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A connection of its own (for holding locks or counting as an extra session); the caller closes it. */
    public Connection open(String applicationName) throws SQLException {
        Connection c = admin.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("SET application_name = '" + applicationName + "'");
        }
        return c;
    }
}
