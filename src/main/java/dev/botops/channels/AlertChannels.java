package dev.botops.channels;

import dev.botops.config.ConfigException;
import dev.botops.config.ConfigKey;
import dev.botops.config.Secrets;
import dev.botops.config.Settings;
import dev.botops.config.WebhookKeys;
import dev.botops.monitor.Severity;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The configured delivery channels, validated: every named webhook ({@code alerts.webhook.<name>.url|format|min-severity})
 * and the e-mail channel when {@code alerts.email.host} is set. Bad values are configuration errors that name
 * the key and show the value with its secrets masked.
 */
public final class AlertChannels {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,30}");
    private static final List<String> RESERVED = List.of("email", "telegram", "desktop", "all");

    private final List<AlertChannel> channels;

    private AlertChannels(List<AlertChannel> channels) {
        this.channels = List.copyOf(channels);
    }

    public static AlertChannels of(List<AlertChannel> channels) {
        return new AlertChannels(channels);
    }

    /** Reads and checks the channels' settings; throws {@link ConfigException} for a bad one. */
    public static AlertChannels from(Settings settings) {
        Duration timeout = settings.duration(ConfigKey.ALERT_DELIVERY_TIMEOUT);
        List<AlertChannel> channels = new ArrayList<>(webhooks(settings.dynamic(WebhookKeys.PREFIX), timeout));
        email(settings, timeout).ifPresent(channels::add);
        return new AlertChannels(channels);
    }

    public List<AlertChannel> all() {
        return channels;
    }

    public boolean isEmpty() {
        return channels.isEmpty();
    }

    public Optional<AlertChannel> named(String name) {
        return channels.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public List<String> names() {
        return channels.stream().map(AlertChannel::name).toList();
    }

    /** The outcome of "send a test alert" on one channel: success, or the receiver's error. */
    public record TestResult(String channel, String kind, String destination, boolean delivered, String detail) {
    }

    /**
     * "Send a test alert": a test message to one channel (empty: to every channel), now, one attempt each; the
     * answer is the receiver's. Needs no database.
     */
    public List<TestResult> test(Optional<String> channelName, String instance, java.time.Instant now) {
        List<AlertChannel> targets = channelName.map(name -> named(name).map(List::of).orElse(List.of())).orElse(channels);
        List<TestResult> results = new ArrayList<>();
        for (AlertChannel channel : targets) {
            SendResult result = channel.send(Notification.test(instance, now));
            results.add(new TestResult(channel.name(), channel.kind(), channel.destination(), result.delivered(),
                    result.delivered() ? "delivered" : result.detail()));
        }
        return results;
    }

    private static List<AlertChannel> webhooks(Map<String, String> keys, Duration timeout) {
        Map<String, Map<String, String>> byName = new TreeMap<>();
        keys.forEach((key, value) -> {
            String rest = key.substring(WebhookKeys.PREFIX.length());
            int dot = rest.lastIndexOf('.');
            String name = dot < 0 ? "" : rest.substring(0, dot);
            String field = rest.substring(dot + 1);
            if (!WebhookKeys.FIELDS.contains(field)) {
                throw new ConfigException(key, "Unknown configuration key '" + key + "'. A webhook is set with "
                        + WebhookKeys.PREFIX + "<name>.url, .format and .min-severity.");
            }
            if (!NAME.matcher(name).matches() || RESERVED.contains(name)) {
                throw new ConfigException(key, "Invalid webhook name in '" + key + "': use 1 to 31 lowercase letters, digits"
                        + " and dashes (not " + String.join(", ", RESERVED) + "), e.g. " + WebhookKeys.PREFIX + "ops.url.");
            }
            byName.computeIfAbsent(name, n -> new TreeMap<>()).put(field, value.trim());
        });
        List<AlertChannel> result = new ArrayList<>();
        byName.forEach((name, fields) -> result.add(webhook(name, fields, timeout)));
        return result;
    }

    private static AlertChannel webhook(String name, Map<String, String> fields, Duration timeout) {
        String prefix = WebhookKeys.PREFIX + name + ".";
        String url = fields.getOrDefault("url", "");
        if (url.isEmpty()) {
            throw new ConfigException(prefix + "url", "Webhook '" + name + "' has no URL: set " + prefix + "url.");
        }
        URI uri = httpUrl(prefix + "url", url);
        String formatText = fields.getOrDefault("format", "generic");
        WebhookFormat format = WebhookFormat.parse(formatText);
        if (format == null) {
            throw ConfigException.invalid(prefix + "format", formatText, "One of: generic, slack, discord, ntfy.");
        }
        Severity min = severity(prefix + "min-severity", fields.getOrDefault("min-severity", "warning"));
        try {
            return new WebhookChannel(name, uri, format, min, timeout);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(prefix + "url", Secrets.maskWebhookUrl(url), "An " + format.label() + " URL: " + e.getMessage() + ".");
        }
    }

    private static URI httpUrl(String key, String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() != null && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return uri;
            }
        } catch (URISyntaxException e) {
            // reported below, without the value's secret part
        }
        throw ConfigException.invalid(key, Secrets.maskWebhookUrl(url), "An http:// or https:// URL with a host (it is a secret:"
                + " only its host is ever shown).");
    }

    private static Severity severity(String key, String text) {
        return Arrays.stream(Severity.values()).filter(s -> s.name().equalsIgnoreCase(text.trim())).findFirst()
                .orElseThrow(() -> ConfigException.invalid(key, text, "One of: info, warning, critical."));
    }

    private static Optional<AlertChannel> email(Settings settings, Duration timeout) {
        String host = settings.string(ConfigKey.ALERT_EMAIL_HOST);
        if (host.isEmpty()) {
            return Optional.empty();
        }
        String user = settings.string(ConfigKey.ALERT_EMAIL_USER);
        String from = settings.string(ConfigKey.ALERT_EMAIL_FROM).isEmpty() ? user : settings.string(ConfigKey.ALERT_EMAIL_FROM);
        List<String> to = Arrays.stream(settings.string(ConfigKey.ALERT_EMAIL_TO).split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        if (to.isEmpty()) {
            throw new ConfigException(ConfigKey.ALERT_EMAIL_TO.property(), "The e-mail channel (" + ConfigKey.ALERT_EMAIL_HOST.property()
                    + " is set) needs recipients: set " + ConfigKey.ALERT_EMAIL_TO.property() + " (comma-separated addresses).");
        }
        if (from.isEmpty()) {
            throw new ConfigException(ConfigKey.ALERT_EMAIL_FROM.property(), "The e-mail channel needs a sender: set "
                    + ConfigKey.ALERT_EMAIL_FROM.property() + " (or " + ConfigKey.ALERT_EMAIL_USER.property() + ").");
        }
        EmailChannel.Server server = new EmailChannel.Server(host, settings.integer(ConfigKey.ALERT_EMAIL_PORT),
                settings.choice(ConfigKey.ALERT_EMAIL_SECURITY, ConfigKey.MailSecurity.class), user,
                settings.string(ConfigKey.ALERT_EMAIL_PASSWORD));
        Severity min = Severity.valueOf(settings.choice(ConfigKey.ALERT_EMAIL_MIN_SEVERITY, ConfigKey.AlertLevel.class).name());
        try {
            return Optional.of(new EmailChannel(server, from, to, min, timeout));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ConfigKey.ALERT_EMAIL_TO.property(), "The e-mail channel's addresses are not valid ("
                    + e.getMessage() + "): check " + ConfigKey.ALERT_EMAIL_FROM.property() + " and " + ConfigKey.ALERT_EMAIL_TO.property() + ".");
        }
    }
}
