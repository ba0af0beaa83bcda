package dev.botops.channels;

import dev.botops.config.ConfigKey.MailSecurity;
import dev.botops.config.Secrets;
import dev.botops.monitor.Severity;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * Alert e-mails over SMTP through Jakarta Mail (Eclipse Angus Mail): STARTTLS required, or TLS from the first
 * byte, with the server's certificate and host name checked against the JVM's trust store; plain SMTP only
 * when asked for. Temporary failures (no connection, a 4xx reply) are retried; a refused login or a 5xx reply
 * fails for good. The password never appears in a result or a log line.
 */
public final class EmailChannel implements AlertChannel {
    /** What the channel needs; {@code password} is a secret. */
    public record Server(String host, int port, MailSecurity security, String user, String password) {
        @Override
        public String toString() {
            return "Server[" + host + ":" + port + ", " + security + ", user " + user + ", password " + Secrets.MASK + "]";
        }
    }

    private final Server server;
    private final InternetAddress from;
    private final InternetAddress[] to;
    private final Severity minSeverity;
    private final Session session;

    public EmailChannel(Server server, String from, List<String> to, Severity minSeverity, Duration timeout) {
        this(server, from, to, minSeverity, timeout, new Properties());
    }

    /** With extra Jakarta Mail properties (tests trust their own server's certificate this way). */
    EmailChannel(Server server, String from, List<String> to, Severity minSeverity, Duration timeout, Properties extra) {
        this.server = server;
        this.minSeverity = minSeverity;
        try {
            this.from = new InternetAddress(from, true);
            this.to = InternetAddress.parse(String.join(",", to), true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("not an e-mail address: " + e.getRef(), e);
        }
        this.session = Session.getInstance(properties(server, timeout, extra));
    }

    private static Properties properties(Server server, Duration timeout, Properties extra) {
        Properties p = new Properties();
        String millis = String.valueOf(timeout.toMillis());
        p.put("mail.transport.protocol", "smtp");
        p.put("mail.smtp.host", server.host());
        p.put("mail.smtp.port", String.valueOf(server.port()));
        p.put("mail.smtp.connectiontimeout", millis);
        p.put("mail.smtp.timeout", millis);
        p.put("mail.smtp.writetimeout", millis);
        p.put("mail.smtp.auth", String.valueOf(!server.user().isEmpty()));
        switch (server.security()) {
            case STARTTLS:
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
                break;
            case TLS:
                p.put("mail.smtp.ssl.enable", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
                break;
            default:
                break;
        }
        p.putAll(extra);
        return p;
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public String kind() {
        return "e-mail";
    }

    @Override
    public String destination() {
        return InternetAddress.toString(to) + " via " + server.host() + ":" + server.port() + " ("
                + server.security().name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    @Override
    public Severity minSeverity() {
        return minSeverity;
    }

    @Override
    public SendResult send(Notification notification) {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(from);
            message.setRecipients(Message.RecipientType.TO, to);
            message.setSubject(NotificationText.title(notification), StandardCharsets.UTF_8.name());
            message.setText(NotificationText.body(notification), StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(notification.sentAt()));
            message.setHeader("X-BotOps-Alert", notification.key());
            if (server.user().isEmpty()) {
                Transport.send(message);
            } else {
                Transport.send(message, server.user(), server.password());
            }
            return SendResult.ok();
        } catch (AuthenticationFailedException e) {
            return SendResult.failed(masked("the SMTP server refused the login of " + server.user()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())));
        } catch (SendFailedException e) {
            return permanent(e) ? SendResult.failed(masked("the SMTP server refused the message: " + e.getMessage()))
                    : SendResult.retry(null, masked("the SMTP server did not take the message now: " + e.getMessage()));
        } catch (MessagingException e) {
            String cause = e.getCause() == null ? "" : " (" + e.getCause().getClass().getSimpleName()
                    + (e.getCause().getMessage() == null ? "" : ": " + e.getCause().getMessage()) + ")";
            return SendResult.retry(null, masked("could not send through " + server.host() + ":" + server.port() + ": "
                    + e.getMessage() + cause));
        }
    }

    /** A 5xx reply is the server's final word; a 4xx one asks to try later. */
    private static boolean permanent(SendFailedException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.eclipse.angus.mail.smtp.SMTPSendFailedException failed) {
                return failed.getReturnCode() >= 500;
            }
            if (t instanceof org.eclipse.angus.mail.smtp.SMTPAddressFailedException failed) {
                return failed.getReturnCode() >= 500;
            }
        }
        return false;
    }

    private String masked(String text) {
        String result = server.password().isEmpty() ? text : text.replace(server.password(), Secrets.MASK);
        return Secrets.redact(result.replaceAll("\\s+", " ").strip());
    }
}
