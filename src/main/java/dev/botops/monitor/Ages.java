package dev.botops.monitor;

import java.time.Duration;

/** Ages and uptimes the way an operator reads them: {@code 3d 4h}, {@code 12m 5s}, {@code 850ms}, {@code 0s}. */
public final class Ages {
    private Ages() {
    }

    /** The two most significant units; {@code -} for {@code null}. */
    public static String format(Duration age) {
        if (age == null) {
            return "-";
        }
        if (age.isNegative()) {
            age = Duration.ZERO;
        }
        long days = age.toDays();
        long hours = age.toHoursPart();
        long minutes = age.toMinutesPart();
        long seconds = age.toSecondsPart();
        if (days > 0) {
            return days + "d " + hours + "h";
        }
        if (hours > 0) {
            return hours + "h " + minutes + "m";
        }
        if (minutes > 0) {
            return minutes + "m " + seconds + "s";
        }
        if (seconds > 0 || age.isZero()) {
            return seconds + "s";
        }
        return age.toMillis() + "ms";
    }
}
