package dev.botops.drill;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * One superuser connection the drill keeps open for its own queries, so that it still has a slot while the
 * server is saturated (superusers keep the reserved ones). A failed query drops the connection; the next
 * call connects again, so the drill's observers ride through the restarts they cause.
 */
final class AdminConnection implements AutoCloseable {
    private final DataSource source;
    private Connection connection;

    AdminConnection(DataSource source) {
        this.source = source;
    }

    /** Work on the connection, in autocommit. */
    @FunctionalInterface
    interface Query<T> {
        T run(Connection c) throws SQLException;
    }

    synchronized <T> T query(Query<T> query) throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = source.getConnection();
        }
        try {
            return query.run(connection);
        } catch (SQLException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    private void closeQuietly() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            // broken already; a new one is opened on the next query
        }
        connection = null;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
