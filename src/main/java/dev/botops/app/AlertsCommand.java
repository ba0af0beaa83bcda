package dev.botops.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.botops.channels.AlertChannels;
import dev.botops.config.Durations;
import dev.botops.config.Settings;
import dev.botops.db.DatabaseException;
import dev.botops.monitor.Alert;
import dev.botops.monitor.AlertCommandResult;
import dev.botops.monitor.AlertJson;
import dev.botops.monitor.AlertService;
import dev.botops.monitor.Silence;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code botops alerts}: the active alerts (every instance's, from the database) and the silences in force;
 * {@code ack}, {@code silence}, {@code unsilence} act on them, and {@code test} sends a test alert to the
 * channels. Exit codes: 0 done, 1 refused (with the reason), 2 bad usage or configuration, 3 database unreachable.
 */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = {"List the active alerts and the silences in force; acknowledge, silence, or test the channels.",
                "Exit codes: 0 done; 1 refused (no such alert, nothing to lift, a channel failed the test);",
                "2 bad configuration or usage; 3 database unreachable."},
        subcommands = {AlertsCommand.Ack.class, AlertsCommand.SilenceRule.class, AlertsCommand.Unsilence.class,
                AlertsCommand.Test.class})
public final class AlertsCommand implements Callable<Integer> {
    public static final int EXIT_REFUSED = 1;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    @ParentCommand
    BotOpsCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print {\"alerts\": [...], \"silences\": [...]} for programs.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
        Settings settings = parent.options.load();
        PrintWriter out = spec.commandLine().getOut();
        return withAlerts(settings, spec, alerts -> {
            AlertService.View view = alerts.view();
            Instant now = Instant.now();
            List<Silence> silences = alerts.silences();
            if (json) {
                Map<String, Object> document = new LinkedHashMap<>();
                document.put("alerts", view.active().stream().map(a -> AlertJson.of(a, silences, now)).toList());
                document.put("silences", silences.stream().map(AlertsCommand::silenceJson).toList());
                out.println(write(document));
            } else {
                printText(view.active(), silences, now, out);
            }
            out.flush();
            return 0;
        });
    }

    private static void printText(List<Alert> active, List<Silence> silences, Instant now, PrintWriter out) {
        if (active.isEmpty()) {
            out.println("No active alerts.");
        }
        for (Alert alert : active) {
            out.printf(Locale.ROOT, "%-6d %-8s %s since %s%n", alert.id(), alert.severity(), alert.ruleId(), TIME.format(alert.firstSeen()));
            out.printf(Locale.ROOT, "       %s%n", alert.message());
            if (alert.acknowledged()) {
                out.printf(Locale.ROOT, "       acknowledged by %s at %s%n", alert.acknowledgedBy(), TIME.format(alert.acknowledgedAt()));
            }
            silences.stream().filter(s -> s.covers(alert.ruleId(), now)).findFirst().ifPresent(s ->
                    out.printf(Locale.ROOT, "       silenced until %s by %s%n", TIME.format(s.until()), s.silencedBy()));
        }
        for (Silence silence : silences) {
            out.printf(Locale.ROOT, "Silenced: %s until %s (by %s at %s)%n", silence.rule(), TIME.format(silence.until()),
                    silence.silencedBy(), TIME.format(silence.silencedAt()));
        }
    }

    private static Map<String, Object> silenceJson(Silence silence) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rule", silence.rule());
        json.put("until", silence.until().toString());
        json.put("silencedBy", silence.silencedBy());
        json.put("silencedAt", silence.silencedAt().toString());
        return json;
    }

    private static String write(Object document) {
        try {
            return JSON.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("maps of strings and numbers always serialise", e);
        }
    }

    /** Runs {@code action} on the alert service of a started context; exit 3 when the database cannot be reached. */
    static int withAlerts(Settings settings, CommandSpec spec, Function<AlertService, Integer> action) {
        try (AppContext context = AppContext.start(settings)) {
            return action.apply(context.alerts());
        } catch (DatabaseException e) {
            spec.commandLine().getErr().println("Database unreachable: " + e.getMessage());
            return StatusCommand.EXIT_UNREACHABLE;
        }
    }

    /** Prints what a command did; 0 when done, 1 when refused. */
    static int report(AlertCommandResult result, CommandSpec spec) {
        PrintWriter stream = result.done() ? spec.commandLine().getOut() : spec.commandLine().getErr();
        stream.println(result.message());
        stream.flush();
        return result.done() ? 0 : EXIT_REFUSED;
    }

    /** Who did it, as shown with the acknowledgement or silence: {@code --by}, else user@host. */
    static String who(String by) {
        if (by != null && !by.isBlank()) {
            return by.trim();
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return System.getProperty("user.name", "cli") + "@" + host;
    }

    @Command(name = "ack", mixinStandardHelpOptions = true,
            description = "Acknowledge an active alert: its reminders stop on every instance; an escalation still goes out.")
    static final class Ack implements Callable<Integer> {
        @ParentCommand
        AlertsCommand alertsCommand;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", description = "The alert's id (botops alerts lists them).")
        long id;

        @Option(names = "--by", paramLabel = "NAME", description = "Who acknowledges (default: user@host).")
        String by;

        @Override
        public Integer call() {
            return withAlerts(alertsCommand.parent.options.load(), spec, alerts -> report(alerts.acknowledge(id, who(by)), spec));
        }
    }

    @Command(name = "silence", mixinStandardHelpOptions = true,
            description = {"No deliveries for a rule until DURATION has passed (the alert stays visible); then whatever is",
                    "still due goes out. RULE is a rule id (storage) or a prefix ending in * (dead-rows:*)."})
    static final class SilenceRule implements Callable<Integer> {
        @ParentCommand
        AlertsCommand alertsCommand;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "RULE", description = "Rule id, or a prefix ending in *.")
        String rule;

        @Parameters(index = "1", paramLabel = "DURATION", description = "How long, e.g. 30m, 2h, 1d (at most 30d).")
        String duration;

        @Option(names = "--by", paramLabel = "NAME", description = "Who silences (default: user@host).")
        String by;

        @Override
        public Integer call() {
            Duration length = Durations.parse(duration);
            if (length == null || length.isZero() || length.isNegative() || length.compareTo(Duration.ofDays(30)) > 0) {
                spec.commandLine().getErr().println("Invalid duration '" + duration + "': use a duration from 1s to 30d, such as 2h.");
                return Launcher.EXIT_CONFIG;
            }
            return withAlerts(alertsCommand.parent.options.load(), spec, alerts -> report(alerts.silence(rule, length, who(by)), spec));
        }
    }

    @Command(name = "unsilence", mixinStandardHelpOptions = true, description = "Lift a silence before it ends.")
    static final class Unsilence implements Callable<Integer> {
        @ParentCommand
        AlertsCommand alertsCommand;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "RULE", description = "The rule (or prefix*) as it was silenced.")
        String rule;

        @Option(names = "--by", paramLabel = "NAME", description = "Who lifts it (default: user@host).")
        String by;

        @Override
        public Integer call() {
            return withAlerts(alertsCommand.parent.options.load(), spec, alerts -> report(alerts.unsilence(rule, who(by)), spec));
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = {"Send a test alert to one channel, or to every configured channel, and say what each receiver answered.",
                    "Needs no database. Exit 0 when every channel took it, 1 when one did not, 2 when there is no such channel."})
    static final class Test implements Callable<Integer> {
        @ParentCommand
        AlertsCommand alertsCommand;

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "CHANNEL", description = "A webhook's name, or email (default: every channel).")
        String channel;

        @Override
        public Integer call() {
            Settings settings = alertsCommand.parent.options.load();
            AlertChannels channels = AlertChannels.from(settings);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (channels.isEmpty() || channel != null && channels.named(channel).isEmpty()) {
                err.println(channels.isEmpty() ? "No alert channel is configured (alerts.webhook.<name>.url, alerts.email.host)."
                        : "No channel '" + channel + "'; configured: " + String.join(", ", channels.names()) + ".");
                return Launcher.EXIT_CONFIG;
            }
            List<AlertChannels.TestResult> results = channels.test(Optional.ofNullable(channel), settings.instanceName(), Instant.now());
            for (AlertChannels.TestResult result : results) {
                (result.delivered() ? out : err).printf(Locale.ROOT, "%s (%s, %s): %s%n", result.channel(), result.kind(),
                        result.destination(), result.delivered() ? "delivered" : "FAILED: " + result.detail());
            }
            out.flush();
            err.flush();
            return results.stream().allMatch(AlertChannels.TestResult::delivered) ? 0 : EXIT_REFUSED;
        }
    }
}
