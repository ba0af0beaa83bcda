package dev.botops.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes with binary units, the way PostgreSQL's {@code pg_size_pretty} counts them. */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(b|kb|kib|k|mb|mib|m|gb|gib|g|tb|tib|t)?");
    private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB"};

    private Sizes() {
    }

    /** Returns the number of bytes, or {@code null} when the text is not a size. */
    public static Long parse(String raw) {
        Matcher m = SIZE.matcher(raw.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        double number = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        int power;
        switch (unit.charAt(0)) {
            case 'k': power = 1; break;
            case 'm': power = 2; break;
            case 'g': power = 3; break;
            case 't': power = 4; break;
            default: power = 0;
        }
        double bytes = number * Math.pow(1024, power);
        if (bytes > Long.MAX_VALUE / 2) {
            return null;
        }
        return Math.round(bytes);
    }

    /** Compact human form: {@code 10 GB}, {@code 1.5 MB}, {@code 512 B}. */
    public static String format(long bytes) {
        return format(bytes, 0);
    }

    /**
     * Like {@link #format(long)}, precise enough to tell apart two sizes {@code step} bytes apart (1 to 3 decimals):
     * {@code 8.41 MB} and {@code 8.43 MB} for a step of 20 KB.
     */
    public static String format(long bytes, double step) {
        double value = bytes;
        double unitBytes = 1;
        int unit = 0;
        while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unitBytes *= 1024;
            unit++;
        }
        double stepInUnit = step / unitBytes;
        if (unit == 0 || ((step <= 0 || stepInUnit >= 1) && value == Math.rint(value))) {
            return String.format(Locale.ROOT, "%d %s", (long) value, UNITS[unit]);
        }
        int decimals = step <= 0 || stepInUnit >= 1 ? 1 : (int) Math.min(3, Math.max(1, Math.ceil(-Math.log10(stepInUnit) - 1e-9)));
        return String.format(Locale.ROOT, "%." + decimals + "f %s", value, UNITS[unit]);
    }
}
