package dev.botops.channels;

import dev.botops.monitor.Alert;
import dev.botops.monitor.Severity;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The words of a notification, in one place: every channel (chat webhooks, ntfy, e-mail) shows these. */
public final class NotificationText {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private NotificationText() {
    }

    /** One line: {@code [CRITICAL] storage: The database uses 9.6 GB of the 10 GB storage quota (96.0 %).} */
    public static String title(Notification n) {
        Alert a = n.alert();
        switch (n.kind()) {
            case ESCALATION:
                return "[" + a.severity() + "] " + a.ruleId() + " got worse: " + a.message();
            case REMINDER:
                return "[" + a.severity() + "] " + a.ruleId() + " still active since " + TIME.format(a.firstSeen()) + ": " + a.message();
            case RESOLUTION:
                return "[RESOLVED] " + a.ruleId() + ": " + a.message();
            case TEST:
                return "[TEST] BotOps test alert from " + n.instance();
            default:
                return "[" + a.severity() + "] " + a.ruleId() + ": " + a.message();
        }
    }

    /** The message, what to do, and where it comes from. */
    public static String body(Notification n) {
        Alert a = n.alert();
        StringBuilder text = new StringBuilder(a.message());
        if (n.kind() != Notification.Kind.RESOLUTION && a.hint() != null && !a.hint().isBlank()) {
            text.append("\n\nWhat to do: ").append(a.hint());
        }
        text.append("\n\n").append(footer(n));
        return text.toString();
    }

    /** Alert id, start time, acknowledgement and instance, on one line. */
    public static String footer(Notification n) {
        Alert a = n.alert();
        if (n.kind() == Notification.Kind.TEST) {
            return "BotOps on " + n.instance() + ", " + TIME.format(n.sentAt());
        }
        StringBuilder text = new StringBuilder("Alert ").append(a.id()).append(", started ").append(TIME.format(a.firstSeen()));
        if (a.resolvedAt() != null) {
            text.append(", resolved ").append(TIME.format(a.resolvedAt()));
        }
        if (a.acknowledgedBy() != null) {
            text.append(", acknowledged by ").append(a.acknowledgedBy());
        }
        if (n.kind() == Notification.Kind.REMINDER) {
            text.append(", reminder ").append(n.reminder());
        }
        return text.append(", BotOps on ").append(n.instance()).toString();
    }

    /** A colour per severity (and green for a resolution), as chat apps show beside a message. */
    public static int colour(Notification n) {
        if (n.kind() == Notification.Kind.RESOLUTION) {
            return 0x2DA44E;
        }
        if (n.kind() == Notification.Kind.TEST) {
            return 0x0969DA;
        }
        return n.severity() == Severity.CRITICAL ? 0xCF222E : n.severity() == Severity.WARNING ? 0xBF8700 : 0x0969DA;
    }
}
