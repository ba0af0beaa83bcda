package dev.botops.monitor;

/**
 * What an operator's command on alerts (acknowledge, silence, lift a silence) did: {@code done} or refused,
 * with one plain sentence saying which, for the command line, the dashboard and the admin chat alike.
 */
public record AlertCommandResult(boolean done, String message) {
    public static AlertCommandResult done(String message) {
        return new AlertCommandResult(true, message);
    }

    public static AlertCommandResult refused(String message) {
        return new AlertCommandResult(false, message);
    }
}
