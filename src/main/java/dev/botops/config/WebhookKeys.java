package dev.botops.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The named alert webhooks' keys, {@code alerts.webhook.<name>.url|format|min-severity}, and their environment
 * form {@code BOTOPS_ALERTS_WEBHOOK_<NAME>_URL|FORMAT|MIN_SEVERITY} (a name's dashes become underscores). A
 * webhook URL carries its token: it is a secret, masked wherever settings are shown.
 */
public final class WebhookKeys {
    public static final String PREFIX = "alerts.webhook.";
    public static final List<String> FIELDS = List.of("url", "format", "min-severity");
    private static final String ENV_PREFIX = "BOTOPS_ALERTS_WEBHOOK_";

    private WebhookKeys() {
    }

    /** The webhook settings given as environment variables, as properties. */
    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> result = new TreeMap<>();
        env.forEach((name, value) -> {
            if (!name.startsWith(ENV_PREFIX)) {
                return;
            }
            String rest = name.substring(ENV_PREFIX.length());
            for (String field : FIELDS) {
                String suffix = "_" + field.toUpperCase(Locale.ROOT).replace('-', '_');
                if (rest.endsWith(suffix) && rest.length() > suffix.length()) {
                    String webhook = rest.substring(0, rest.length() - suffix.length()).toLowerCase(Locale.ROOT).replace('_', '-');
                    result.put(PREFIX + webhook + "." + field, value);
                    return;
                }
            }
            throw new ConfigException(name, "Unknown environment variable " + name + ": a webhook setting ends in _URL, _FORMAT"
                    + " or _MIN_SEVERITY (e.g. BOTOPS_ALERTS_WEBHOOK_OPS_URL).");
        });
        return result;
    }

    /** Whether a dynamic key holds a secret. */
    public static boolean secret(String key) {
        return key.startsWith(PREFIX) && key.endsWith(".url");
    }

    /** The value of a dynamic key as it may be shown. */
    public static String mask(String key, String value) {
        return secret(key) && value != null && !value.isEmpty() ? Secrets.maskWebhookUrl(value) : value;
    }
}
