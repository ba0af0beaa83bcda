package dev.botops.ui.common;

import dev.botops.config.Sizes;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import javafx.scene.chart.NumberAxis;
import javafx.util.StringConverter;

/** How figures are written on screen, in one place so every screen says the same thing the same way. */
public final class Formats {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private Formats() {
    }

    public static String bytes(long bytes) {
        return Sizes.format(bytes);
    }

    /**
     * Tick labels for a bytes axis: as many decimals as its tick unit needs for neighbouring labels to differ, so
     * a nearly flat hour of the database size reads "8.41 MB · 8.43 MB" rather than "8.4 MB" twice, while round
     * steps ("5 MB · 10 MB") keep the compact form.
     */
    public static StringConverter<Number> bytesTicks(NumberAxis axis) {
        return new StringConverter<>() {
            @Override
            public String toString(Number bytes) {
                return Sizes.format(bytes.longValue(), axis.getTickUnit());
            }

            @Override
            public Number fromString(String text) {
                throw new UnsupportedOperationException("tick labels are only written");
            }
        };
    }

    /** Thousands separated, the same in every locale: "12,345". */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    public static String percent(double value) {
        return String.format(Locale.ROOT, "%.1f %%", value);
    }

    public static String time(Instant instant) {
        return instant == null ? "—" : TIME.format(instant);
    }

    /**
     * At most {@code maxLength} characters: a longer text keeps its start and its end around "…", since table
     * names tend to differ at either end ("archive_2024_q1" / "archive_2024_q2", "reporting.events").
     */
    public static String middleEllipsis(String text, int maxLength) {
        if (maxLength < 3) {
            throw new IllegalArgumentException("maxLength must be at least 3, was " + maxLength);
        }
        if (text.length() <= maxLength) {
            return text;
        }
        int tail = (maxLength - 1) / 2;
        int head = maxLength - 1 - tail;
        return text.substring(0, head) + "…" + text.substring(text.length() - tail);
    }

    /** "3 d 4 h", "5 min", "12 s": the two largest units. */
    public static String age(Duration d) {
        if (d == null) {
            return "—";
        }
        long s = Math.max(0, d.getSeconds());
        if (s >= 86_400) {
            return s / 86_400 + " d " + (s % 86_400) / 3600 + " h";
        }
        if (s >= 3600) {
            return s / 3600 + " h " + (s % 3600) / 60 + " min";
        }
        if (s >= 60) {
            return s / 60 + " min";
        }
        return s + " s";
    }
}
