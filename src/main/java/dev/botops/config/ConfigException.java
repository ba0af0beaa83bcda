package dev.botops.config;

/**
 * Bad configuration. The message names the key, shows the offending value (masked when the key is
 * secret) and says what is allowed, so that the operator can fix it without reading code.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String message) {
        super(message);
        this.key = key;
    }

    public static ConfigException invalid(String key, String shownValue, String allowed) {
        return new ConfigException(key, "Invalid value for " + key + ": '" + shownValue + "'. " + allowed);
    }

    /**
     * The same error naming where the value came from ({@code where}: the environment variable, the file and line,
     * {@code --set}, as {@link Settings#where} says) rather than the bare key the user may never have typed.
     */
    public ConfigException at(String where) {
        if (where == null || where.equals(key)) {
            return this;
        }
        String prefix = "Invalid value for " + key + ":";
        String message = getMessage();
        return new ConfigException(key, message.startsWith(prefix) ? "Invalid value for " + where + ":" + message.substring(prefix.length())
                : message + " (" + where + ")");
    }

    /** The configuration key (property name) at fault, or a file path for file errors. */
    public String key() {
        return key;
    }
}
