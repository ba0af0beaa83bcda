package dev.botops.channels;

import dev.botops.channels.Notification.Kind;
import dev.botops.monitor.Alert;
import dev.botops.monitor.Severity;
import dev.botops.monitor.Silence;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Which deliveries are due, from the alerts and what each channel has had of them (a pure function, the same
 * on every instance). Its keys ({@code start}, {@code escalation:CRITICAL}, {@code reminder:3},
 * {@code resolution}) depend only on the alert, never on who computes them or when, so an instance that plans
 * a delivery another one already recorded adds nothing (the table's unique key).
 *
 * <p>Per alert and channel: a start when an active alert reaches the channel's minimum severity; an escalation
 * for each severity it climbs to later; a reminder every {@code reminderEvery} after the start while it stays
 * active and nobody acknowledged it (the latest due one only, never one due before the last message); a
 * resolution once it is over, if the channel heard of it at all (an alert raised and resolved before anything
 * was planned for it is nobody's news). A silenced rule gets nothing planned until its silence ends; whatever
 * is still due then goes out.
 */
public final class DeliveryPlanner {
    private DeliveryPlanner() {
    }

    /** A delivery recorded in the table. */
    public record Recorded(long alertId, String channel, Kind kind, String event, Severity severity, boolean pending,
                           Instant createdAt, Instant doneAt) {
        /** When the channel last had (or was meant to have) this message. */
        Instant at() {
            return doneAt != null ? doneAt : createdAt;
        }
    }

    /** A channel as planning sees it. */
    public record Channel(String name, Severity minSeverity) {
    }

    /** A delivery to record: the alert's content as it is now goes with it, so retries send the same words. */
    public record Planned(long alertId, String channel, Kind kind, String event, String ruleId, Severity severity,
                          String message, String hint) {
    }

    public static List<Planned> plan(List<Alert> alerts, List<Recorded> recorded, List<Silence> silences, List<Channel> channels,
                                     Duration reminderEvery, Instant now) {
        Map<String, List<Recorded>> byAlertAndChannel = recorded.stream()
                .collect(Collectors.groupingBy(r -> r.alertId() + "/" + r.channel()));
        List<Planned> planned = new ArrayList<>();
        for (Alert alert : alerts) {
            if (alert.id() <= 0 || silences.stream().anyMatch(s -> s.covers(alert.ruleId(), now))) {
                continue;
            }
            for (Channel channel : channels) {
                List<Recorded> had = byAlertAndChannel.getOrDefault(alert.id() + "/" + channel.name(), List.of());
                plan(alert, channel, had, reminderEvery, now, planned);
            }
        }
        return planned;
    }

    private static void plan(Alert alert, Channel channel, List<Recorded> had, Duration reminderEvery, Instant now, List<Planned> out) {
        boolean started = had.stream().anyMatch(r -> r.kind() == Kind.START);
        boolean reaches = alert.severity().compareTo(channel.minSeverity()) >= 0;
        if (!started) {
            if (alert.active() && reaches) {
                out.add(planned(alert, channel, Kind.START, "start"));
            }
            return;
        }
        if (!alert.active()) {
            if (had.stream().noneMatch(r -> r.kind() == Kind.RESOLUTION)) {
                out.add(planned(alert, channel, Kind.RESOLUTION, "resolution"));
            }
            return;
        }
        Severity told = had.stream().filter(r -> r.kind() == Kind.START || r.kind() == Kind.ESCALATION)
                .map(Recorded::severity).max(Comparator.naturalOrder()).orElse(alert.severity());
        if (alert.severity().compareTo(told) > 0 && reaches) {
            out.add(planned(alert, channel, Kind.ESCALATION, "escalation:" + alert.severity()));
        }
        reminder(alert, channel, had, reminderEvery, now).ifPresent(out::add);
    }

    private static java.util.Optional<Planned> reminder(Alert alert, Channel channel, List<Recorded> had, Duration every, Instant now) {
        if (alert.acknowledged() || every == null || every.isZero() || had.stream().anyMatch(Recorded::pending)) {
            return java.util.Optional.empty();
        }
        long n = Duration.between(alert.firstSeen(), now).toMillis() / every.toMillis();
        String event = "reminder:" + n;
        Instant due = alert.firstSeen().plus(every.multipliedBy(n));
        Instant last = had.stream().map(Recorded::at).filter(Objects::nonNull).max(Comparator.naturalOrder()).orElse(Instant.MIN);
        if (n < 1 || had.stream().anyMatch(r -> r.event().equals(event)) || !due.isAfter(last)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(planned(alert, channel, Kind.REMINDER, event));
    }

    private static Planned planned(Alert alert, Channel channel, Kind kind, String event) {
        return new Planned(alert.id(), channel.name(), kind, event, alert.ruleId(), alert.severity(), alert.message(), alert.hint());
    }
}
