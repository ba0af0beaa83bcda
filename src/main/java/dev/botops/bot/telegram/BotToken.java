package dev.botops.bot.telegram;

import dev.botops.config.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A bot token. It is part of every Bot API URL, so it must never reach a log, a message or a string
 * conversion: {@link #toString()} is masked and {@link #id()} (a short SHA-256) names the bot in leases and
 * offsets instead.
 */
public final class BotToken {
    /** The token the app uses against its own sandbox emulator. */
    public static final BotToken SANDBOX = new BotToken("0:sandbox");

    private final String value;
    private final String id;

    public BotToken(String value) {
        if (value == null || value.isBlank() || value.chars().anyMatch(ch -> ch <= ' ' || ch == '/')) {
            throw new IllegalArgumentException("A bot token looks like 123456:ABC-DEF...; it cannot be empty or contain spaces or '/'.");
        }
        this.value = value;
        this.id = sha256(value).substring(0, 12);
    }

    /** The secret itself: only for building requests and hiding it from text. */
    public String value() {
        return value;
    }

    /** A stable, non-secret id of the bot: the first 12 hex digits of the token's SHA-256. */
    public String id() {
        return id;
    }

    public boolean sandbox() {
        return value.equals(SANDBOX.value);
    }

    /** The text with this token (and anything token-shaped) masked. */
    public String redact(String text) {
        if (text == null) {
            return null;
        }
        return Secrets.redact(text.replace(value, Secrets.MASK));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BotToken && ((BotToken) o).value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "BotToken[" + id + "]";
    }
}
