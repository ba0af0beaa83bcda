package dev.botops.monitor;

import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import dev.botops.config.Sizes;
import dev.botops.monitor.AlertRules.Band;
import dev.botops.monitor.AlertRules.Finding;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Alerts that thresholds miss, learned from the history BotOps keeps: a pure function from that history
 * ({@link History}) and the alerts already active to the findings. Each rule compares now with the same
 * database's own past and says nothing without enough of it; each uses the threshold rules' hysteresis (a
 * ratio to its threshold, cleared {@code alerts.hysteresis} percent below it).
 *
 * <ul>
 *   <li>{@value #GROWTH}: the last hour's growth against the median hourly growth of the last 7 days (and a floor,
 *       and twice what the same hour of the day usually grows, so a nightly import is not news);
 *   <li>{@value #SILENCE}: no bot update for longer than usual at this time of the week, judged from the same
 *       stretch of time in each of the last 4 weeks;
 *   <li>{@value #ERRORS_PREFIX}{@code bot} and {@code database}: errors in the last 15 minutes against the 7-day
 *       norm (the bot's error counter; rolled-back transactions);
 *   <li>{@value #NEWCOMERS}: other applications' connections against their usual peak.
 * </ul>
 */
public final class UnusualActivityRules {
    public static final String GROWTH = "unusual-growth";
    public static final String SILENCE = "unusual-silence";
    public static final String ERRORS_PREFIX = "unusual-errors:";
    public static final String NEWCOMERS = "unusual-newcomers";
    static final Duration WEEK = Duration.ofDays(7);
    static final Duration ERROR_WINDOW = Duration.ofMinutes(15);
    /** Hourly growth figures the median needs at least (a day's worth). */
    static final int MIN_HOURS = 24;
    /** The silence rule needs updates at least this far back (4 weeks). */
    static final Duration SILENCE_HISTORY = Duration.ofDays(28);
    /** Of the 4 past weeks, this many must have had updates in the same stretch for a silence to be unusual. */
    static final int USUAL_WEEKS = 3;
    /** Updates a past week's stretch must have had to count as "busy then". */
    static final int USUAL_UPDATES = 2;
    /** The error rules need samples over at least a day. */
    static final Duration MIN_ERROR_HISTORY = Duration.ofDays(1);

    private final int growthFactor;
    private final long growthFloor;
    private final Duration silenceAfter;
    private final int errorFactor;
    private final int errorFloor;
    private final int newcomersFloor;
    private final double hysteresis;

    public UnusualActivityRules(Settings settings) {
        this.growthFactor = settings.integer(ConfigKey.ALERT_UNUSUAL_GROWTH_FACTOR);
        this.growthFloor = settings.bytes(ConfigKey.ALERT_UNUSUAL_GROWTH_FLOOR);
        this.silenceAfter = settings.duration(ConfigKey.ALERT_UNUSUAL_SILENCE_AFTER);
        this.errorFactor = settings.integer(ConfigKey.ALERT_UNUSUAL_ERROR_FACTOR);
        this.errorFloor = settings.integer(ConfigKey.ALERT_UNUSUAL_ERROR_FLOOR);
        this.newcomersFloor = settings.integer(ConfigKey.ALERT_UNUSUAL_NEWCOMERS_FLOOR);
        this.hysteresis = settings.percent(ConfigKey.ALERT_HYSTERESIS);
    }

    /** The database's size at the end of an hour: {@code at} is that hour's end, counted back from now. */
    public record SizePoint(Instant at, long bytes) {
    }

    /**
     * When the bot last processed an update, how far back its updates go, and how many it processed in the same
     * stretch of time (as long as the present silence, ending at this time of the week) 1, 2, 3 and 4 weeks ago.
     */
    public record SilenceHistory(Instant lastUpdate, Instant oldestUpdate, List<Integer> sameStretchWeeksAgo) {
        public static final SilenceHistory NONE = new SilenceHistory(null, null, List.of());
    }

    /** One instance's cumulative error counters at a time ({@code botErrors} null where no bot runs). */
    public record CounterSample(String instance, Instant at, Long botErrors, long dbRollbacks) {
    }

    /** The highest count of other applications' connections in an hour ({@code at}: the hour's end). */
    public record ConnectionPoint(Instant at, int others) {
    }

    /**
     * What the rules read.
     *
     * @param hourlySizes  the database size at the end of each hour of the last 7 days and 1 hour, the last one now
     * @param othersNow    other applications' connections in the latest sample, or -1 when there is none
     */
    public record History(Instant now, List<SizePoint> hourlySizes, SilenceHistory silence, List<CounterSample> counters,
                          List<ConnectionPoint> hourlyOthers, int othersNow) {
    }

    /** True for the rule ids these rules raise and resolve. */
    public static boolean owns(String ruleId) {
        return ruleId.equals(GROWTH) || ruleId.equals(SILENCE) || ruleId.startsWith(ERRORS_PREFIX) || ruleId.equals(NEWCOMERS);
    }

    public List<Finding> evaluate(History history, Map<String, Severity> previous) {
        List<Finding> findings = new ArrayList<>();
        growth(history, previous.get(GROWTH)).ifPresent(findings::add);
        silence(history, previous.get(SILENCE)).ifPresent(findings::add);
        errors(history, "bot", previous.get(ERRORS_PREFIX + "bot")).ifPresent(findings::add);
        errors(history, "database", previous.get(ERRORS_PREFIX + "database")).ifPresent(findings::add);
        newcomers(history, previous.get(NEWCOMERS)).ifPresent(findings::add);
        return findings;
    }

    // --- growth ----------------------------------------------------------------------------------------

    Optional<Finding> growth(History history, Severity previous) {
        List<SizePoint> points = history.hourlySizes().stream().sorted(Comparator.comparing(SizePoint::at)).toList();
        if (points.size() < 2) {
            return Optional.empty();
        }
        SizePoint latest = points.get(points.size() - 1);
        List<Long> norm = new ArrayList<>();
        List<Long> sameHour = new ArrayList<>();
        Long lastHour = null;
        for (int i = 1; i < points.size(); i++) {
            SizePoint before = points.get(i - 1);
            SizePoint after = points.get(i);
            if (!Duration.between(before.at(), after.at()).equals(Duration.ofHours(1))) {
                continue;
            }
            long grown = Math.max(0, after.bytes() - before.bytes());
            if (after == latest) {
                lastHour = after.bytes() - before.bytes();
            } else if (after.at().isAfter(history.now().minus(WEEK).minus(Duration.ofHours(1)))) {
                norm.add(grown);
                if (Duration.between(after.at(), history.now()).toHours() % 24 == 0) {
                    sameHour.add(grown);
                }
            }
        }
        if (lastHour == null || norm.size() < MIN_HOURS) {
            return Optional.empty();
        }
        long median = median(norm);
        // Growth that comes every day at this hour (a nightly import) is usual too.
        long usualThisHour = sameHour.isEmpty() ? 0 : median(sameHour);
        double threshold = Math.max(Math.max((double) growthFactor * median, growthFloor), 2.0 * usualThisHour);
        Severity level = AlertRules.level(lastHour / threshold, Band.relative(1, hysteresis), Band.NEVER, previous);
        if (level == null) {
            return Optional.empty();
        }
        String usual = median == 0 ? "it hardly grew in any hour of the last 7 days"
                : String.format(Locale.ROOT, "%.0f times its usual hourly growth of %s (the median of the last 7 days)",
                (double) lastHour / median, Sizes.format(median));
        return Optional.of(new Finding(GROWTH, level,
                "The database grew by " + Sizes.format(lastHour) + " in the last hour; " + usual + ".",
                "Something writes much more than usual. Find the tables that grow (the Tables screen, sorted by size, or "
                        + "SELECT relname, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class WHERE relkind IN ('r', 'm')"
                        + " ORDER BY pg_total_relation_size(oid) DESC LIMIT 10;), stop a runaway job, and give a log table"
                        + " a retention policy (retention.<name>.max-age) so Cleanup gets the space back."));
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    // --- silence ---------------------------------------------------------------------------------------

    Optional<Finding> silence(History history, Severity previous) {
        SilenceHistory silence = history.silence();
        if (silence.lastUpdate() == null) {
            return Optional.empty();
        }
        Duration gap = Duration.between(silence.lastUpdate(), history.now());
        boolean enough = silence.oldestUpdate() != null
                && !silence.oldestUpdate().isAfter(history.now().minus(SILENCE_HISTORY));
        long busyWeeks = silence.sameStretchWeeksAgo().stream().filter(n -> n >= USUAL_UPDATES).count();
        boolean unusual = enough && busyWeeks >= USUAL_WEEKS;
        if (!unusual && previous == null) {
            return Optional.empty();
        }
        Severity level = AlertRules.level(seconds(gap), Band.relative(seconds(silenceAfter), hysteresis), Band.NEVER, previous);
        if (level == null) {
            return Optional.empty();
        }
        return Optional.of(new Finding(SILENCE, level,
                "The bot has processed no update for " + Ages.format(gap) + "; at this time of the week it usually does (the same "
                        + "stretch 1 to 4 weeks ago had " + join(silence.sameStretchWeeksAgo()) + " updates).",
                "Check the bot (the Bot screen: is it polling, stopped by a 409 storm, or failing to reach Telegram?), "
                        + "botops status and the log. If it is stopped on purpose, silence this alert: "
                        + "botops alerts silence " + SILENCE + " 8h"));
    }

    private static String join(List<Integer> counts) {
        List<String> parts = counts.stream().map(n -> n >= 10 ? "10+" : String.valueOf(n)).toList();
        if (parts.size() < 2) {
            return String.join("", parts);
        }
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
    }

    // --- errors ----------------------------------------------------------------------------------------

    Optional<Finding> errors(History history, String source, Severity previous) {
        boolean bot = source.equals("bot");
        Map<String, List<CounterSample>> byInstance = new HashMap<>();
        for (CounterSample sample : history.counters()) {
            if (!bot || sample.botErrors() != null) {
                byInstance.computeIfAbsent(sample.instance(), i -> new ArrayList<>()).add(sample);
            }
        }
        Instant now = history.now();
        Instant windowStart = now.minus(ERROR_WINDOW);
        Instant normStart = windowStart.minus(WEEK);
        long current = 0;
        long normTotal = 0;
        Duration covered = Duration.ZERO;
        for (List<CounterSample> samples : byInstance.values()) {
            samples.sort(Comparator.comparing(CounterSample::at));
            long instanceCurrent = 0;
            long instanceNorm = 0;
            for (int i = 1; i < samples.size(); i++) {
                long before = value(samples.get(i - 1), bot);
                long after = value(samples.get(i), bot);
                long increase = after >= before ? after - before : after;
                Instant at = samples.get(i).at();
                if (at.isAfter(windowStart) && !at.isAfter(now)) {
                    instanceCurrent += increase;
                } else if (at.isAfter(normStart) && !at.isAfter(windowStart)) {
                    instanceNorm += increase;
                }
            }
            Instant first = samples.get(0).at().isBefore(normStart) ? normStart : samples.get(0).at();
            Duration instanceCovered = first.isBefore(windowStart) ? Duration.between(first, windowStart) : Duration.ZERO;
            if (bot) {
                // Every process counts its own bot's errors: add them up.
                current += instanceCurrent;
                normTotal += instanceNorm;
                covered = instanceCovered.compareTo(covered) > 0 ? instanceCovered : covered;
            } else if (instanceCovered.compareTo(covered) > 0 || instanceCovered.equals(covered) && instanceCurrent > current) {
                // Every instance reads the same server counter: take the one that has watched it longest.
                current = instanceCurrent;
                normTotal = instanceNorm;
                covered = instanceCovered;
            }
        }
        if (covered.compareTo(MIN_ERROR_HISTORY) < 0) {
            return Optional.empty();
        }
        double norm = normTotal / ((double) covered.toMillis() / ERROR_WINDOW.toMillis());
        double threshold = Math.max(errorFactor * norm, errorFloor);
        Severity level = AlertRules.level(current / threshold, Band.relative(1, hysteresis), Band.NEVER, previous);
        if (level == null) {
            return Optional.empty();
        }
        String usual = String.format(Locale.ROOT, "usually %.1f per 15 minutes over the last %s", norm, Ages.format(covered));
        return Optional.of(bot
                ? new Finding(ERRORS_PREFIX + "bot", level, "The bot had " + current + " errors in the last 15 minutes; " + usual + ".",
                        "See the Bot screen's last error and the log: failed polls (Telegram unreachable, 429 flood control), "
                                + "failed sends, or database errors while applying updates.")
                : new Finding(ERRORS_PREFIX + "database", level, "The database rolled back " + current
                        + " transactions in the last 15 minutes; " + usual + ".",
                        "Failed transactions: look at the PostgreSQL log for the errors, and at "
                                + "SELECT xact_rollback, deadlocks, conflicts FROM pg_stat_database WHERE datname = current_database();"
                                + " a client retrying in a loop, deadlocks and full disks are the usual causes."));
    }

    private static long value(CounterSample sample, boolean bot) {
        return bot ? sample.botErrors() : sample.dbRollbacks();
    }

    // --- newcomers -------------------------------------------------------------------------------------

    Optional<Finding> newcomers(History history, Severity previous) {
        Instant now = history.now();
        List<ConnectionPoint> past = history.hourlyOthers().stream()
                .filter(p -> p.at().isBefore(now) && !p.at().isBefore(now.minus(WEEK))).toList();
        if (history.othersNow() < 0 || past.size() < MIN_HOURS) {
            return Optional.empty();
        }
        List<Integer> sorted = past.stream().map(ConnectionPoint::others).sorted().toList();
        int p95 = sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1);
        // A peak that comes every day at this hour (a nightly job) is usual too.
        int sameHour = past.stream().filter(p -> Duration.between(p.at(), now).toHours() % 24 == 0)
                .mapToInt(ConnectionPoint::others).max().orElse(0);
        int usual = Math.max(p95, sameHour);
        double threshold = Math.max(2.0 * usual, usual + newcomersFloor);
        Severity level = AlertRules.level(history.othersNow() / threshold, Band.relative(1, hysteresis), Band.NEVER, previous);
        if (level == null) {
            return Optional.empty();
        }
        return Optional.of(new Finding(NEWCOMERS, level,
                "Other applications hold " + history.othersNow() + " connections; their usual peak is " + usual
                        + " (the last 7 days). Another program may be eating the connection cap.",
                "See who: SELECT application_name, usename, client_addr, count(*) FROM pg_stat_activity"
                        + " WHERE application_name NOT LIKE 'botops%' GROUP BY 1, 2, 3 ORDER BY 4 DESC;"
                        + " then fix that client's pool size, or give it a role with a CONNECTION LIMIT."));
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
