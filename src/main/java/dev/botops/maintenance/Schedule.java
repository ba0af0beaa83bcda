package dev.botops.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The scheduler's time arithmetic, pure so that it is tested with fixed instants. Daily times are local
 * wall-clock times: on a spring-forward day 03:00 Europe/Berlin is 23 hours after the previous one, on a
 * fall-back day 25 hours. A wall time that does not exist that day (in the gap) runs at the first instant
 * after the gap; one that exists twice (in the overlap) runs once, at the earlier.
 */
public final class Schedule {
    private Schedule() {
    }

    /** The first daily occurrence of {@code at} strictly after {@code now}. */
    public static Instant nextDaily(Instant now, LocalTime at, ZoneId zone) {
        ZonedDateTime local = now.atZone(zone);
        Instant today = ZonedDateTime.of(local.toLocalDate(), at, zone).toInstant();
        return today.isAfter(now) ? today : ZonedDateTime.of(local.toLocalDate().plusDays(1), at, zone).toInstant();
    }

    /** The last daily occurrence of {@code at} at or before {@code now}. */
    public static Instant previousDaily(Instant now, LocalTime at, ZoneId zone) {
        ZonedDateTime local = now.atZone(zone);
        Instant today = ZonedDateTime.of(local.toLocalDate(), at, zone).toInstant();
        return !today.isAfter(now) ? today : ZonedDateTime.of(local.toLocalDate().minusDays(1), at, zone).toInstant();
    }

    /**
     * When an interval job runs next: {@code every} after its last start; at once if that time has passed
     * (a missed run is caught up once, not once per missed interval); {@code every} from now if it never ran.
     */
    public static Instant nextInterval(Instant lastStart, Duration every, Instant now) {
        if (lastStart == null) {
            return now.plus(every);
        }
        Instant due = lastStart.plus(every);
        return due.isAfter(now) ? due : now;
    }

    /**
     * True when the last daily occurrence before {@code now} passed without a daily run (the machine was off):
     * the daily run is then caught up once. Occurrences before the app was installed do not count.
     *
     * @param lastDaily   start of the last daily run by any instance, or {@code null}
     * @param installedAt when the schema was installed, or {@code null} if unknown
     */
    public static boolean dailyMissed(Instant lastDaily, Instant installedAt, Instant now, LocalTime at, ZoneId zone) {
        Instant due = previousDaily(now, at, zone);
        Instant reference = lastDaily != null ? lastDaily : installedAt;
        return reference != null && reference.isBefore(due);
    }
}
