package dev.botops.db;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done with a connection; may throw {@link SQLException}. */
@FunctionalInterface
public interface SqlFunction<T> {
    T apply(Connection connection) throws SQLException;
}
