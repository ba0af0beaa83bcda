package dev.botops.bot;

import dev.botops.bot.trading.AdminCommands;
import dev.botops.config.Durations;
import dev.botops.db.DatabaseException;
import dev.botops.monitor.Alert;
import dev.botops.monitor.AlertService;
import dev.botops.monitor.Silence;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * The admin chat's alert commands: {@code /alerts} lists the active alerts and silences, {@code /ack ID}
 * acknowledges one, {@code /silence RULE 2h} and {@code /unsilence RULE} hold back or release a rule's
 * deliveries. They act through the alert service, as the command line does, and answer in its words.
 */
public final class AlertAdminCommands implements AdminCommands {
    static final Duration LONGEST_SILENCE = Duration.ofDays(30);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final String USAGE = "Commands: /alerts, /ack ID, /silence RULE 2h, /unsilence RULE.";

    private final AlertService alerts;
    private final Clock clock;

    public AlertAdminCommands(AlertService alerts, Clock clock) {
        this.alerts = alerts;
        this.clock = clock;
    }

    @Override
    public Set<String> names() {
        return Set.of("alerts", "ack", "silence", "unsilence");
    }

    @Override
    public String reply(String command, List<String> args, String who) {
        try {
            switch (command) {
                case "alerts":
                    return args.isEmpty() ? list() : "Usage: /alerts (no arguments).";
                case "ack":
                    return args.size() == 1 && args.get(0).matches("\\d{1,18}")
                            ? alerts.acknowledge(Long.parseLong(args.get(0)), who).message()
                            : "Usage: /ack ID, with the id /alerts shows, e.g. /ack 42.";
                case "silence":
                    return args.size() == 2 ? silence(args.get(0), args.get(1), who) : "Usage: /silence RULE DURATION, e.g. /silence storage 2h.";
                case "unsilence":
                    return args.size() == 1 ? alerts.unsilence(args.get(0), who).message() : "Usage: /unsilence RULE, e.g. /unsilence storage.";
                default:
                    return USAGE;
            }
        } catch (DatabaseException e) {
            return "That did not work: the database cannot be reached right now (" + e.getMessage() + "). Try again shortly.";
        }
    }

    private String silence(String rule, String durationText, String who) {
        Duration duration = Durations.parse(durationText);
        if (duration == null || duration.isZero() || duration.isNegative() || duration.compareTo(LONGEST_SILENCE) > 0) {
            return "Invalid duration '" + durationText + "': use one from 1s to 30d, such as 2h.";
        }
        return alerts.silence(rule, duration, who).message();
    }

    private String list() {
        Instant now = clock.instant();
        List<Alert> active = alerts.active();
        List<Silence> silences = alerts.silences();
        StringBuilder text = new StringBuilder();
        if (active.isEmpty()) {
            text.append("No active alerts.\n");
        }
        for (Alert alert : active) {
            text.append(alert.id()).append(' ').append(alert.severity()).append(' ').append(alert.ruleId())
                    .append(" since ").append(TIME.format(alert.firstSeen())).append(": ").append(alert.message()).append('\n');
            if (alert.acknowledged()) {
                text.append("   acknowledged by ").append(alert.acknowledgedBy()).append(" at ").append(TIME.format(alert.acknowledgedAt()))
                        .append('\n');
            }
            silences.stream().filter(s -> s.covers(alert.ruleId(), now)).findFirst().ifPresent(s ->
                    text.append("   silenced until ").append(TIME.format(s.until())).append(" by ").append(s.silencedBy()).append('\n'));
        }
        for (Silence silence : silences) {
            text.append("Silenced: ").append(silence.rule()).append(" until ").append(TIME.format(silence.until()))
                    .append(" (by ").append(silence.silencedBy()).append(")\n");
        }
        return text.append(USAGE).toString();
    }
}
