package dev.botops.channels;

import dev.botops.config.Secrets;
import dev.botops.monitor.Severity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * An incoming webhook: one POST per notification, in the channel's {@link WebhookFormat}. 2xx is sent; 429
 * and 503 are retried after their {@code Retry-After}; other 5xx, 408, timeouts and refused connections are
 * retried with backoff; any other answer fails for good. The URL carries the token: it never appears in a
 * result, a log line or {@link #destination()}.
 */
public final class WebhookChannel implements AlertChannel {
    private static final int DETAIL_MAX = 300;

    private final String name;
    private final URI url;
    private final WebhookFormat format;
    private final Severity minSeverity;
    private final Duration timeout;
    private final HttpClient client;
    private final WebhookFormat.Target target;

    public WebhookChannel(String name, URI url, WebhookFormat format, Severity minSeverity, Duration timeout) {
        this.name = name;
        this.url = url;
        this.format = format;
        this.minSeverity = minSeverity;
        this.timeout = timeout;
        this.target = format.target(url);
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "webhook (" + format.label() + ")";
    }

    @Override
    public String destination() {
        return Secrets.maskWebhookUrl(url.toString());
    }

    @Override
    public Severity minSeverity() {
        return minSeverity;
    }

    @Override
    public SendResult send(Notification notification) {
        HttpRequest request = HttpRequest.newBuilder(target.uri())
                .timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "BotOps-Console")
                .header("Idempotency-Key", notification.key())
                .POST(HttpRequest.BodyPublishers.ofString(format.json(notification, target), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            return SendResult.retry(null, masked("no answer from the receiver (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SendResult.retry(null, "interrupted while sending");
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return SendResult.ok();
        }
        String detail = masked("HTTP " + status + " from the receiver" + excerpt(response.body()));
        if (status == 429 || status == 408 || status >= 500) {
            return SendResult.retry(retryAfter(response).orElse(null), detail);
        }
        return SendResult.failed(detail);
    }

    /** {@code Retry-After} as seconds or as an HTTP date. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().trim();
        try {
            return Optional.of(Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return ": " + (oneLine.length() > DETAIL_MAX ? oneLine.substring(0, DETAIL_MAX) + "…" : oneLine);
    }

    /** Whatever the receiver or the JDK said, with this channel's URL (and anything else secret) masked. */
    private String masked(String text) {
        return Secrets.redact(text.replace(url.toString(), destination()).replace(target.uri().toString(), destination()));
    }
}
