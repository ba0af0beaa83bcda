package dev.botops.channels;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.botops.monitor.AlertJson;
import dev.botops.monitor.Severity;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a webhook receives. {@link #GENERIC} is BotOps' own JSON (docs/alerts.md documents it); {@link #SLACK}
 * and {@link #DISCORD} are those apps' incoming-webhook formats (Mattermost and Rocket.Chat take Slack's);
 * {@link #NTFY} publishes to an ntfy topic with its title, priority and tags.
 */
public enum WebhookFormat {
    GENERIC {
        @Override
        Map<String, Object> body(Notification n) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("schema", "botops.alert.v1");
            json.put("id", n.key());
            json.put("event", n.kind().label());
            json.put("alert", AlertJson.of(n.alert()));
            json.put("reminder", n.kind() == Notification.Kind.REMINDER ? n.reminder() : null);
            json.put("title", NotificationText.title(n));
            json.put("text", NotificationText.body(n));
            json.put("instance", n.instance());
            json.put("sentAt", n.sentAt().toString());
            return json;
        }
    },
    SLACK {
        @Override
        Map<String, Object> body(Notification n) {
            Map<String, Object> attachment = new LinkedHashMap<>();
            attachment.put("color", String.format(Locale.ROOT, "#%06X", NotificationText.colour(n)));
            attachment.put("title", slackEscape(NotificationText.title(n)));
            attachment.put("text", slackEscape(NotificationText.body(n)));
            attachment.put("ts", n.sentAt().getEpochSecond());
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("text", slackEscape(NotificationText.title(n)));
            json.put("attachments", List.of(attachment));
            return json;
        }
    },
    DISCORD {
        @Override
        Map<String, Object> body(Notification n) {
            Map<String, Object> embed = new LinkedHashMap<>();
            embed.put("title", cut(NotificationText.title(n), 256));
            embed.put("description", cut(NotificationText.body(n), 4096));
            embed.put("color", NotificationText.colour(n));
            embed.put("timestamp", n.sentAt().toString());
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("content", cut(NotificationText.title(n), 2000));
            json.put("embeds", List.of(embed));
            // Alert texts never ping anyone (no @everyone from a table name).
            json.put("allowed_mentions", Map.of("parse", List.of()));
            return json;
        }
    },
    NTFY {
        @Override
        Map<String, Object> body(Notification n) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("topic", "");
            json.put("title", NotificationText.title(n));
            json.put("message", NotificationText.body(n));
            json.put("priority", priority(n));
            json.put("tags", List.of(tag(n)));
            return json;
        }

        /** ntfy's JSON publishing goes to the server's root with the topic in the body. */
        @Override
        Target target(URI url) {
            String path = url.getRawPath() == null ? "" : url.getRawPath();
            int slash = path.lastIndexOf('/');
            String topic = path.substring(slash + 1);
            if (topic.isEmpty()) {
                throw new IllegalArgumentException("an ntfy URL names its topic: https://ntfy.sh/<topic>");
            }
            try {
                URI root = new URI(url.getScheme(), url.getRawAuthority(), path.substring(0, slash + 1), url.getRawQuery(), null);
                return new Target(URI.create(root.toString()), topic);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a URL", e);
            }
        }

        private int priority(Notification n) {
            if (n.kind() == Notification.Kind.RESOLUTION || n.kind() == Notification.Kind.TEST) {
                return 3;
            }
            return n.severity() == Severity.CRITICAL ? 5 : n.severity() == Severity.WARNING ? 4 : 3;
        }

        private String tag(Notification n) {
            if (n.kind() == Notification.Kind.RESOLUTION) {
                return "white_check_mark";
            }
            return n.severity() == Severity.CRITICAL ? "rotating_light" : n.severity() == Severity.WARNING ? "warning" : "information_source";
        }
    };

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Where to post and, for ntfy, the topic that goes into the body. */
    record Target(URI uri, String topic) {
    }

    abstract Map<String, Object> body(Notification n);

    /** Where the request goes for a configured URL (the URL itself, except for ntfy). */
    Target target(URI url) {
        return new Target(url, null);
    }

    /** The request body for a notification, as JSON text. */
    String json(Notification n, Target target) {
        Map<String, Object> body = body(n);
        if (target.topic() != null) {
            body.put("topic", target.topic());
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings and numbers always serialise", e);
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WebhookFormat parse(String text) {
        for (WebhookFormat format : values()) {
            if (format.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return format;
            }
        }
        return null;
    }

    /** Slack's three control characters; everything else is shown as written. */
    private static String slackEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
