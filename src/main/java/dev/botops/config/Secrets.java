package dev.botops.config;

import java.util.regex.Pattern;

/** Masking of secrets in text shown to people: URLs with passwords, bot tokens, password parameters. */
public final class Secrets {
    public static final String MASK = "****";

    private static final Pattern URL_USERINFO = Pattern.compile("(://[^:/@\\s]*:)[^@\\s]*@");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&\\s]*");
    private static final Pattern BOT_TOKEN = Pattern.compile("\\b\\d{5,12}:[A-Za-z0-9_-]{30,}");

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
        return BOT_TOKEN.matcher(maskUrl(text)).replaceAll(MASK);
    }
}
