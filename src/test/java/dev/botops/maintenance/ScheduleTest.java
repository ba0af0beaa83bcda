package dev.botops.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ScheduleTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final LocalTime THREE = LocalTime.of(3, 0);

    @Test
    void dailyRunBeforeTheSpringForwardIsTwentyThreeHoursAfterThePreviousOne() {
        Instant saturday = Schedule.nextDaily(Instant.parse("2026-03-27T12:00:00Z"), THREE, BERLIN);
        Instant sunday = Schedule.nextDaily(saturday, THREE, BERLIN);

        assertThat(saturday).isEqualTo("2026-03-28T02:00:00Z"); // 03:00 CET
        assertThat(sunday).isEqualTo("2026-03-29T01:00:00Z");   // 03:00 CEST, clocks jumped 02:00 -> 03:00
        assertThat(Duration.between(saturday, sunday)).isEqualTo(Duration.ofHours(23));
    }

    @Test
    void dailyRunAcrossTheFallBackIsTwentyFiveHoursAfterThePreviousOneAndRunsOnce() {
        Instant saturday = Schedule.nextDaily(Instant.parse("2026-10-23T12:00:00Z"), THREE, BERLIN);
        Instant sunday = Schedule.nextDaily(saturday, THREE, BERLIN);
        Instant monday = Schedule.nextDaily(sunday, THREE, BERLIN);

        assertThat(saturday).isEqualTo("2026-10-24T01:00:00Z"); // 03:00 CEST
        assertThat(sunday).isEqualTo("2026-10-25T02:00:00Z");   // 03:00 CET, after 03:00 CEST became 02:00 CET
        assertThat(Duration.between(saturday, sunday)).isEqualTo(Duration.ofHours(25));
        assertThat(Duration.between(sunday, monday)).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void dailyTimeInsideTheSpringGapRunsRightAfterTheGap() {
        Instant next = Schedule.nextDaily(Instant.parse("2026-03-28T12:00:00Z"), LocalTime.of(2, 30), BERLIN);

        assertThat(next).isEqualTo("2026-03-29T01:30:00Z"); // 02:30 does not exist; 03:30 CEST
    }

    @Test
    void dailyTimeInsideTheFallOverlapRunsOnceAtTheEarlierInstant() {
        Instant first = Schedule.nextDaily(Instant.parse("2026-10-24T12:00:00Z"), LocalTime.of(2, 30), BERLIN);
        Instant second = Schedule.nextDaily(first, LocalTime.of(2, 30), BERLIN);

        assertThat(first).isEqualTo("2026-10-25T00:30:00Z"); // 02:30 CEST
        assertThat(second).isEqualTo("2026-10-26T01:30:00Z"); // not 02:30 CET the same night
    }

    @Test
    void quickCleanupRunsEveryTwoHoursAfterTheLastStart() {
        Instant last = Instant.parse("2026-11-27T10:15:00Z");

        assertThat(Schedule.nextInterval(last, Duration.ofHours(2), Instant.parse("2026-11-27T11:00:00Z")))
                .isEqualTo("2026-11-27T12:15:00Z");
    }

    @Test
    void healthCheckRunsEverySixHoursAfterTheLastStart() {
        Instant last = Instant.parse("2026-11-27T03:00:00Z");

        assertThat(Schedule.nextInterval(last, Duration.ofHours(6), Instant.parse("2026-11-27T04:00:00Z")))
                .isEqualTo("2026-11-27T09:00:00Z");
    }

    @Test
    void overdueIntervalJobRunsOnceNowNotOncePerMissedInterval() {
        Instant now = Instant.parse("2026-11-28T12:00:00Z");

        assertThat(Schedule.nextInterval(Instant.parse("2026-11-27T00:00:00Z"), Duration.ofHours(2), now)).isEqualTo(now);
    }

    @Test
    void intervalJobThatNeverRanWaitsOneInterval() {
        Instant now = Instant.parse("2026-11-28T12:00:00Z");

        assertThat(Schedule.nextInterval(null, Duration.ofHours(6), now)).isEqualTo(now.plus(Duration.ofHours(6)));
    }

    @Test
    void dailyRunMissedWhileTheMachineWasOffIsDetected() {
        Instant now = Instant.parse("2026-11-27T09:00:00Z"); // 10:00 in Berlin, after today's 03:00

        assertThat(Schedule.dailyMissed(Instant.parse("2026-11-26T02:00:01Z"), null, now, THREE, BERLIN)).isTrue();
        assertThat(Schedule.dailyMissed(Instant.parse("2026-11-27T02:00:05Z"), null, now, THREE, BERLIN)).isFalse();
    }

    @Test
    void noDailyRunIsMissedBeforeTheAppWasInstalled() {
        Instant now = Instant.parse("2026-11-27T09:00:00Z");

        assertThat(Schedule.dailyMissed(null, Instant.parse("2026-11-27T08:00:00Z"), now, THREE, BERLIN)).isFalse();
        assertThat(Schedule.dailyMissed(null, Instant.parse("2026-11-25T08:00:00Z"), now, THREE, BERLIN)).isTrue();
    }
}
