package dev.botops.db;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL server's version, and whether BotOps supports it: 14 and later (tested on 14, 17 and 18).
 * Older servers lack what the app relies on (for example {@code pg_stat_activity} and partitioning as 14 has
 * them), so they are refused at start with a message that names the version.
 *
 * @param number {@code server_version_num}, e.g. 170006
 * @param text   {@code server_version}, e.g. {@code 17.6} or {@code 15.14 (Debian 15.14-0+deb12u1)}
 */
public record ServerVersion(int number, String text) {
    public static final int OLDEST_SUPPORTED = 140000;

    /** Reads the version of the server this connection talks to. */
    public static ServerVersion of(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int, current_setting('server_version')")) {
            rs.next();
            return new ServerVersion(rs.getInt(1), rs.getString(2));
        }
    }

    /** Reads the server's version and refuses one that is too old. */
    public static ServerVersion check(Database database) {
        ServerVersion version = database.readOnly(Work.CLI, ServerVersion::of);
        if (!version.supported()) {
            throw new DatabaseException(DatabaseException.Kind.FAILED, version.refusal(), null, null);
        }
        return version;
    }

    /** The major version: 17 for 170006. */
    public int major() {
        return number / 10000;
    }

    public boolean supported() {
        return number >= OLDEST_SUPPORTED;
    }

    /** Why an unsupported server is refused, and what to do; in the app's words. */
    public String refusal() {
        return "This PostgreSQL server is version " + text + " (server_version_num " + number + "); BotOps needs PostgreSQL "
                + OLDEST_SUPPORTED / 10000 + " or newer. Upgrade the server, or point database.url at one that runs PostgreSQL "
                + OLDEST_SUPPORTED / 10000 + " to 18. Nothing was changed in the database.";
    }
}
