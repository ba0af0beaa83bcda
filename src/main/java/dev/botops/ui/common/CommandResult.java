package dev.botops.ui.common;

/**
 * The answer to an operator's command (pause the schedule, stop the bot, ...): carried out, or refused with the
 * reason. It comes back asynchronously, since the instance that carries a command out may be another one.
 *
 * @param message what happened, or why not, in a sentence for the operator
 */
public record CommandResult(boolean accepted, String message) {
    public static CommandResult accepted(String message) {
        return new CommandResult(true, message);
    }

    public static CommandResult refused(String reason) {
        return new CommandResult(false, reason);
    }
}
