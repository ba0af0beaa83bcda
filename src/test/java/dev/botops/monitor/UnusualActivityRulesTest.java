package dev.botops.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.botops.config.SettingsLoader;
import dev.botops.monitor.AlertRules.Finding;
import dev.botops.monitor.UnusualActivityRules.ConnectionPoint;
import dev.botops.monitor.UnusualActivityRules.CounterSample;
import dev.botops.monitor.UnusualActivityRules.History;
import dev.botops.monitor.UnusualActivityRules.SilenceHistory;
import dev.botops.monitor.UnusualActivityRules.SizePoint;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The unusual-activity rules on synthetic histories: a table of cases that must alert and cases that must not
 * (steady growth, a quiet night, weekly and daily patterns, too little history), each with the default settings.
 */
class UnusualActivityRulesTest {
    private static final long MB = 1024 * 1024;
    /** A Monday, 09:30 UTC. */
    private static final Instant MONDAY_MORNING = Instant.parse("2026-03-02T09:30:00Z");
    /** A Wednesday, 03:00 UTC. */
    private static final Instant WEDNESDAY_NIGHT = Instant.parse("2026-03-04T03:00:00Z");
    /** A Sunday, 14:00 UTC. */
    private static final Instant SUNDAY_AFTERNOON = Instant.parse("2026-03-08T14:00:00Z");
    /** A Wednesday, 02:30 UTC: the hour of the nightly jobs below. */
    private static final Instant NIGHTLY_JOB_HOUR = Instant.parse("2026-03-04T02:30:00Z");

    private final UnusualActivityRules rules = new UnusualActivityRules(SettingsLoader.fromProperties(Map.of()));

    // --- synthetic histories -----------------------------------------------------------------------------

    /** Hourly sizes for the last {@code hours} hours: {@code growth(k)} is what the hour ending k hours ago added. */
    private static List<SizePoint> sizes(Instant now, int hours, LongUnaryOperator growth) {
        List<SizePoint> points = new ArrayList<>();
        long bytes = 500 * MB;
        for (int k = hours; k >= 0; k--) {
            bytes += k == hours ? 0 : growth.applyAsLong(k);
            points.add(new SizePoint(now.minus(Duration.ofHours(k)), bytes));
        }
        return points;
    }

    /** Hours ago that fall in the UTC hour of day {@code hour}, as seen from {@code now}. */
    private static boolean atHourOfDay(Instant now, long hoursAgo, int hour) {
        return now.minus(Duration.ofHours(hoursAgo)).minusSeconds(1).atZone(ZoneOffset.UTC).getHour() == hour;
    }

    /**
     * The silence figures, as the queries compute them, for a bot that got an update every 2 minutes whenever
     * {@code busy} holds, over {@code days} days up to {@code now}, with nothing since {@code quietSince}.
     */
    private static SilenceHistory updates(Instant now, int days, Predicate<ZonedDateTime> busy, Instant quietSince) {
        List<Instant> updates = new ArrayList<>();
        for (Instant t = now.minus(Duration.ofDays(days)); t.isBefore(quietSince); t = t.plus(Duration.ofMinutes(2))) {
            if (busy.test(t.atZone(ZoneOffset.UTC))) {
                updates.add(t);
            }
        }
        if (updates.isEmpty()) {
            return SilenceHistory.NONE;
        }
        Instant last = updates.get(updates.size() - 1);
        Duration gap = Duration.between(last, now);
        List<Integer> weeks = new ArrayList<>();
        for (int w = 1; w <= 4; w++) {
            Instant end = now.minus(Duration.ofDays(7L * w));
            Instant start = end.minus(gap);
            weeks.add((int) Math.min(10, updates.stream().filter(u -> u.isAfter(start) && !u.isAfter(end)).count()));
        }
        return new SilenceHistory(last, updates.get(0), weeks);
    }

    private static final Predicate<ZonedDateTime> ALWAYS = t -> true;
    private static final Predicate<ZonedDateTime> DAYTIME = t -> t.getHour() >= 8 && t.getHour() < 22;
    private static final Predicate<ZonedDateTime> WEEKDAYS = t -> t.getDayOfWeek() != DayOfWeek.SATURDAY
            && t.getDayOfWeek() != DayOfWeek.SUNDAY && DAYTIME.test(t);

    /** Counter samples every 5 minutes for {@code days} days; {@code errors(minutesAgo)} errors happen in each 5 minutes. */
    private static List<CounterSample> counters(Instant now, int days, List<String> instances, boolean bot, LongUnaryOperator errors) {
        List<CounterSample> samples = new ArrayList<>();
        for (String instance : instances) {
            long total = 0;
            for (long minutesAgo = days * 1440L; minutesAgo >= 0; minutesAgo -= 5) {
                total += errors.applyAsLong(minutesAgo);
                samples.add(new CounterSample(instance, now.minus(Duration.ofMinutes(minutesAgo)), bot ? total : null, bot ? 0 : total));
            }
        }
        return samples;
    }

    /** Hourly peaks of other applications' connections for {@code hours} hours: {@code others(k)} k hours ago. */
    private static List<ConnectionPoint> others(Instant now, int hours, java.util.function.LongToIntFunction others) {
        List<ConnectionPoint> points = new ArrayList<>();
        for (int k = hours; k >= 0; k--) {
            points.add(new ConnectionPoint(now.minus(Duration.ofHours(k)), others.applyAsInt(k)));
        }
        return points;
    }

    private static History growth(Instant now, List<SizePoint> sizes) {
        return new History(now, sizes, SilenceHistory.NONE, List.of(), List.of(), -1);
    }

    private static History silence(Instant now, SilenceHistory silence) {
        return new History(now, List.of(), silence, List.of(), List.of(), -1);
    }

    private static History errors(Instant now, List<CounterSample> counters) {
        return new History(now, List.of(), SilenceHistory.NONE, counters, List.of(), -1);
    }

    private static History newcomers(Instant now, List<ConnectionPoint> hourly, int othersNow) {
        return new History(now, List.of(), SilenceHistory.NONE, List.of(), hourly, othersNow);
    }

    private static final int WEEK_HOURS = 7 * 24 + 1;

    static Stream<Arguments> cases() {
        Instant now = MONDAY_MORNING;
        return Stream.of(
                // growth
                Arguments.of("steady growth of 10 MB an hour", growth(now, sizes(now, WEEK_HOURS, k -> 10 * MB)), List.of()),
                Arguments.of("500 MB in the last hour after a steady 10 MB an hour",
                        growth(now, sizes(now, WEEK_HOURS, k -> k == 0 ? 500 * MB : 10 * MB)), List.of("unusual-growth")),
                Arguments.of("an idle database gains 5 MB: below the floor",
                        growth(now, sizes(now, WEEK_HOURS, k -> k == 0 ? 5 * MB : 0)), List.of()),
                Arguments.of("an idle database gains 200 MB",
                        growth(now, sizes(now, WEEK_HOURS, k -> k == 0 ? 200 * MB : 0)), List.of("unusual-growth")),
                Arguments.of("500 MB in an hour but only 12 hours of history",
                        growth(now, sizes(now, 12, k -> k == 0 ? 500 * MB : 10 * MB)), List.of()),
                Arguments.of("the nightly import's 300 MB at its usual hour",
                        growth(NIGHTLY_JOB_HOUR, sizes(NIGHTLY_JOB_HOUR, WEEK_HOURS,
                                k -> atHourOfDay(NIGHTLY_JOB_HOUR, k, 2) ? 300 * MB : 5 * MB)), List.of()),
                Arguments.of("an import of 2 GB where 300 MB is usual at this hour",
                        growth(NIGHTLY_JOB_HOUR, sizes(NIGHTLY_JOB_HOUR, WEEK_HOURS,
                                k -> k == 0 ? 2048 * MB : atHourOfDay(NIGHTLY_JOB_HOUR, k, 2) ? 300 * MB : 5 * MB)),
                        List.of("unusual-growth")),
                // silence
                Arguments.of("a bot busy day and night goes quiet for 45 minutes",
                        silence(now, updates(now, 35, ALWAYS, now.minus(Duration.ofMinutes(45)))), List.of("unusual-silence")),
                Arguments.of("a busy bot quiet for 20 minutes: shorter than silence-after",
                        silence(now, updates(now, 35, ALWAYS, now.minus(Duration.ofMinutes(20)))), List.of()),
                Arguments.of("a quiet night: a daytime bot has had nothing since 22:00",
                        silence(WEDNESDAY_NIGHT, updates(WEDNESDAY_NIGHT, 35, DAYTIME, WEDNESDAY_NIGHT)), List.of()),
                Arguments.of("a weekly pattern: a weekday bot quiet on Sunday afternoon",
                        silence(SUNDAY_AFTERNOON, updates(SUNDAY_AFTERNOON, 35, WEEKDAYS, SUNDAY_AFTERNOON)), List.of()),
                Arguments.of("a weekday bot still quiet at 09:30 on Monday",
                        silence(now, updates(now, 35, WEEKDAYS, Instant.parse("2026-02-27T22:00:00Z"))), List.of("unusual-silence")),
                Arguments.of("a busy bot quiet for 2 hours with only 2 weeks of history",
                        silence(now, updates(now, 14, ALWAYS, now.minus(Duration.ofHours(2)))), List.of()),
                Arguments.of("no updates ever", silence(now, SilenceHistory.NONE), List.of()),
                // errors
                Arguments.of("the bot's usual 2 errors in 15 minutes",
                        errors(now, counters(now, 7, List.of("a"), true, m -> m % 15 == 0 ? 2 : 0)), List.of()),
                Arguments.of("100 bot errors in 15 minutes against a norm of 2",
                        errors(now, counters(now, 7, List.of("a"), true, m -> m < 15 ? 34 : m % 15 == 0 ? 2 : 0)),
                        List.of("unusual-errors:bot")),
                Arguments.of("100 errors where 50 in 15 minutes is normal",
                        errors(now, counters(now, 7, List.of("a"), true, m -> m < 15 ? 34 : m % 15 == 0 ? 50 : 0)), List.of()),
                Arguments.of("a burst of bot errors with only 6 hours of samples",
                        errors(now, counters(now, 0, List.of("a"), true, m -> 0)), List.of()),
                Arguments.of("30 rollbacks seen by two instances of the same database (norm 1)",
                        errors(now, counters(now, 7, List.of("a", "b"), false, m -> m < 15 ? 10 : m % 15 == 0 ? 1 : 0)),
                        List.of("unusual-errors:database")),
                // newcomers
                Arguments.of("other applications at 25 connections, usually 3 to 6",
                        newcomers(now, others(now, WEEK_HOURS, k -> 3 + (int) (k % 4)), 25), List.of("unusual-newcomers")),
                Arguments.of("other applications at 9 connections, usually 3 to 6",
                        newcomers(now, others(now, WEEK_HOURS, k -> 3 + (int) (k % 4)), 9), List.of()),
                Arguments.of("the nightly batch's 30 connections at its usual hour",
                        newcomers(NIGHTLY_JOB_HOUR, others(NIGHTLY_JOB_HOUR, WEEK_HOURS,
                                k -> atHourOfDay(NIGHTLY_JOB_HOUR, k, 2) ? 30 : 4), 30), List.of()),
                Arguments.of("25 connections with only 10 hours of history",
                        newcomers(now, others(now, 10, k -> 4), 25), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void alertsExactlyWhereTheHistorySaysItIsUnusual(String name, History history, List<String> expected) {
        List<Finding> findings = rules.evaluate(history, Map.of());

        assertThat(findings).extracting(Finding::ruleId).as(name).containsExactlyElementsOf(expected);
        assertThat(findings).allSatisfy(f -> {
            assertThat(f.severity()).isEqualTo(Severity.WARNING);
            assertThat(f.hint()).isNotBlank();
        });
    }

    @Test
    void theErrorCountIsNotDoubledByTwoInstancesWatchingTheSameDatabase() {
        Instant now = MONDAY_MORNING;
        History history = errors(now, counters(now, 7, List.of("a", "b"), false, m -> m < 15 ? 10 : m % 15 == 0 ? 1 : 0));

        assertThat(rules.evaluate(history, Map.of())).singleElement()
                .satisfies(f -> assertThat(f.message()).startsWith("The database rolled back 30 transactions in the last 15 minutes"));
    }

    @Test
    void aBotRestartResetsItsCounterWithoutLookingLikeErrors() {
        Instant now = MONDAY_MORNING;
        List<CounterSample> restarted = new ArrayList<>();
        for (CounterSample s : counters(now, 7, List.of("a"), true, m -> m % 15 == 0 ? 2 : 0)) {
            boolean afterRestart = s.at().isAfter(now.minus(Duration.ofMinutes(10)));
            restarted.add(afterRestart ? new CounterSample("a", s.at(), 1L, 0) : s);
        }

        assertThat(rules.evaluate(errors(now, restarted), Map.of())).isEmpty();
    }

    @Test
    void growthHoldsJustBelowItsThresholdAndClearsPastTheBand() {
        Instant now = MONDAY_MORNING;
        // The threshold is the 64 MB floor here (median 1 MB x 5 is less): 62 MB is inside the 5 % band, 60 MB is past it.
        History justBelow = growth(now, sizes(now, WEEK_HOURS, k -> k == 0 ? 62 * MB : MB));
        History farBelow = growth(now, sizes(now, WEEK_HOURS, k -> k == 0 ? 60 * MB : MB));

        assertThat(rules.evaluate(justBelow, Map.of())).isEmpty();
        assertThat(rules.evaluate(justBelow, Map.of("unusual-growth", Severity.WARNING))).extracting(Finding::ruleId)
                .containsExactly("unusual-growth");
        assertThat(rules.evaluate(farBelow, Map.of("unusual-growth", Severity.WARNING))).isEmpty();
    }

    @Test
    void aSilenceLastsUntilTheNextUpdate() {
        Instant now = MONDAY_MORNING;
        Map<String, Severity> active = Map.of("unusual-silence", Severity.WARNING);

        assertThat(rules.evaluate(silence(now, updates(now, 35, ALWAYS, now.minus(Duration.ofMinutes(29)))), active))
                .extracting(Finding::ruleId).containsExactly("unusual-silence");
        assertThat(rules.evaluate(silence(now, updates(now, 35, ALWAYS, now.minus(Duration.ofMinutes(1)))), active)).isEmpty();
    }
}
