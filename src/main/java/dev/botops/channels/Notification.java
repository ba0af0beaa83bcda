package dev.botops.channels;

import dev.botops.monitor.Alert;
import dev.botops.monitor.Severity;
import java.time.Instant;

/**
 * One message about one alert for one channel: what happened ({@link Kind}), the alert as it was when the
 * event was recorded, and a key that stays the same on every retry and on every instance
 * ({@code 42:start}, {@code 42:reminder:3}), so a receiver can recognise a message it already has.
 *
 * @param reminder which reminder this is (1, 2, ...), 0 for the other kinds
 */
public record Notification(Kind kind, String key, Alert alert, int reminder, String instance, Instant sentAt) {
    /** The events a channel hears about. */
    public enum Kind {
        /** The alert started (or, for a channel with a higher minimum, first reached that minimum). */
        START,
        /** An active alert became more severe. */
        ESCALATION,
        /** Still active and nobody acknowledged it, every {@code bot.alert-reminder}. */
        REMINDER,
        /** The alert is over. */
        RESOLUTION,
        /** "Send a test alert": checks a channel end to end. */
        TEST;

        /** As in the generic JSON's {@code event}: {@code start}, {@code escalation}, ... */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Severity severity() {
        return alert.severity();
    }

    /** The test alert: clearly marked as one, from this instance. */
    public static Notification test(String instance, Instant now) {
        Alert alert = new Alert(0, "test", Severity.INFO, "This is a test alert from BotOps on " + instance
                + ": the channel works.", "Nothing to do.", now, now, null);
        return new Notification(Kind.TEST, "test:" + now.toEpochMilli(), alert, 0, instance, now);
    }
}
