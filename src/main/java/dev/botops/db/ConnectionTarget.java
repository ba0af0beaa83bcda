package dev.botops.db;

/**
 * Where the pool connects. {@link #toString()} and {@link #display()} never include the password.
 *
 * @param embedded true when this process started (or attached to) the embedded PostgreSQL
 */
public record ConnectionTarget(String jdbcUrl, String user, String password, String display, boolean embedded) {
    @Override
    public String toString() {
        return display;
    }
}
