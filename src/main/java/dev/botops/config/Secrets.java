package dev.botops.config;

import java.util.regex.Pattern;

/** Masking of secrets in text shown to people: URLs with passwords, bot tokens, password parameters. */
public final class Secrets {
    public static final String MASK = "****";

    private static final Pattern URL_USERINFO = Pattern.compile("(://[^:/@\\s]*:)[^@\\s]*@");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&\\s]*");
    private static final Pattern BOT_TOKEN = Pattern.compile("\\b\\d{5,12}:[A-Za-z0-9_-]{30,}");
    /** Incoming-webhook URLs (Slack, Discord, Mattermost, generic {@code /hooks/…}): the path is the token. */
    private static final Pattern WEBHOOK_URL = Pattern.compile(
            "(?i)(https?://[^/\\s\"'<>]+)/(?:services|api/webhooks|hooks?|webhooks?)/[^\\s\"'<>]+");

    private Secrets() {
    }

    /** Masks the password inside a URL ({@code postgres://u:****@h/db}, {@code ?password=****}). */
    public static String maskUrl(String url) {
        String masked = URL_USERINFO.matcher(url).replaceAll("$1" + MASK + "@");
        return PASSWORD_PARAM.matcher(masked).replaceAll("$1" + MASK);
    }

    /** Masks everything secret-looking in free text: URL passwords, password parameters, bot tokens. */
    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String masked = WEBHOOK_URL.matcher(maskUrl(text)).replaceAll("$1/" + MASK);
        return BOT_TOKEN.matcher(masked).replaceAll(MASK);
    }

    /**
     * A webhook URL as it may be shown: scheme, host and port only ({@code https://hooks.slack.com/****}); the
     * path and query, which carry the token, never appear.
     */
    public static String maskWebhookUrl(String url) {
        try {
            java.net.URI uri = new java.net.URI(url.trim());
            if (uri.getScheme() != null && uri.getHost() != null) {
                return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + "/" + MASK;
            }
        } catch (java.net.URISyntaxException e) {
            // not a URL: nothing of it is shown
        }
        return MASK;
    }
}
