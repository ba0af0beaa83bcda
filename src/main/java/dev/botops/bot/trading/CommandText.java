package dev.botops.bot.trading;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A message split into command and arguments. {@code /BUY@MyBot aapl 2} is command {@code buy} addressed to
 * {@code mybot} with arguments {@code aapl}, {@code 2}.
 *
 * @param command   lower case without the slash; empty when the text is not a command
 * @param addressee lower-case bot name after {@code @}, or empty
 */
record CommandText(String command, String addressee, List<String> args) {
    static CommandText parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        if (!trimmed.startsWith("/")) {
            return new CommandText("", "", List.of());
        }
        String[] parts = trimmed.split("\\s+");
        String head = parts[0].substring(1).toLowerCase(Locale.ROOT);
        int at = head.indexOf('@');
        String command = at < 0 ? head : head.substring(0, at);
        String addressee = at < 0 ? "" : head.substring(at + 1);
        return new CommandText(command, addressee, List.copyOf(Arrays.asList(parts).subList(1, parts.length)));
    }

    boolean isCommand() {
        return !command.isEmpty();
    }

    /** Whether this command is for another bot (in a group, {@code /price@OtherBot}). */
    boolean addressedToOtherThan(String botUsername) {
        return !addressee.isEmpty() && botUsername != null && !addressee.equalsIgnoreCase(botUsername);
    }
}
