package dev.botops.config;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for configuration values; each returns a typed value or throws {@link ConfigException}. */
public interface ValueType {

    Object parse(String key, String raw, String shown);

    /** Human-readable description of what is allowed, used in errors and the README table. */
    String allowed();

    static ValueType string() {
        return new ValueType() {
            @Override
            public Object parse(String key, String raw, String shown) {
                return raw.trim();
            }

            @Override
            public String allowed() {
                return "Any text.";
            }
        };
    }

    /**
     * A plain SQL identifier that needs no quoting: lower-case letters, digits and underscores, starting with a
     * letter or underscore, at most 63 characters, and not a name PostgreSQL reserves ({@code pg_*},
     * {@code information_schema}, {@code public}).
     */
    static ValueType identifier() {
        return new ValueType() {
            @Override
            public Object parse(String key, String raw, String shown) {
                String value = raw.trim();
                if (!value.matches("[a-z_][a-z0-9_]{0,62}") || value.startsWith("pg_") || value.equals("information_schema")
                        || value.equals("public")) {
                    throw ConfigException.invalid(key, shown, allowed());
                }
                return value;
            }

            @Override
            public String allowed() {
                return "A plain lower-case name (letters, digits, _; at most 63; not public, information_schema or pg_*), e.g. botops.";
            }
        };
    }

    static ValueType integer(long min, long max) {
        return new ValueType() {
            @Override
            public Object parse(String key, String raw, String shown) {
                long value;
                try {
                    value = Long.parseLong(raw.trim().replace("_", ""));
                } catch (NumberFormatException e) {
                    throw ConfigException.invalid(key, shown, allowed());
                }
                if (value < min || value > max) {
                    throw ConfigException.invalid(key, shown, allowed());
                }
                return value;
            }

            @Override
            public String allowed() {
                return "A whole number from " + min + " to " + max + ".";
            }
        };
    }

    static ValueType percent() {
        return new ValueType() {
            @Override
            public Object parse(String key, String raw, String shown) {
                double value;
                try {
                    value = Double.parseDouble(raw.trim().replace("%", ""));
                } catch (NumberFormatException e) {
                    throw ConfigException.invalid(key, shown, allowed());
                }
                if (!(value > 0 && value <= 100)) {
                    throw ConfigException.invalid(key, shown, allowed());
                }
                return value;
            }

            @Override
            public String allowed() {
                return "A percentage greater than 0 and at most 100 (e.g. 80).";
            }
        };
    }

    static ValueType bool() {
        return new ValueType() {
            @Override
            public Object parse(String key, String raw, String shown) {
                switch (raw.trim().toLowerCase(Locale.ROOT)) {
                    case "true": case "yes": case "on": case "1":
                        return Boolean.TRUE;
                    case "false": case "no": case "off": case "0":
                        return Boolean.FALSE;
                    default:
                        throw ConfigException.invalid(key, shown, allowed());
                }
            }

            @Override
            public String allowed() {
                return "true or false.";
            }
        };
    }

    static ValueType choice(Class<? extends Enum<?>> type) {
        List<String> names = new ArrayList<>();
        for (Enum<?> constant : type.getEnumConstants()) {
            names.add(constant.name().toLowerCase(Locale.ROOT));
        }
        return new ValueType() {
            @Override
            public Object parse(String key, String raw, String shown) {
                String wanted = raw.trim().toUpperCase(Locale.ROOT).replace('-', '_');
                for (Enum<?> constant : type.getEnumConstants()) {
                    if (constant.name().equals(wanted)) {
                        return constant;
                    }
                }
                throw ConfigException.invalid(key, shown, allowed());
            }

            @Override
            public String allowed() {
                return "One of: " + String.join(", ", names) + ".";
            }
        };
    }

    /** Durations such as {@code 250ms}, {@code 5s}, {@code 2m}, {@code 6h}, {@code 7d} or ISO-8601 {@code PT5S}. */
    static ValueType duration(Duration min, Duration max) {
        return new ValueType() {
            @Override
            public Object parse(String key, String raw, String shown) {
                Duration value = Durations.parse(raw);
                if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                    throw ConfigException.invalid(key, shown, allowed());
                }
                return value;
            }

            @Override
            public String allowed() {
                return "A duration from " + Durations.format(min) + " to " + Durations.format(max)
                        + " (units ms, s, m, h, d; e.g. 30s).";
            }
        };
    }

    /** Byte sizes such as {@code 10GB}, {@code 512 MB}, {@code 1048576}; units are binary (1 GB = 1024³ bytes). */
    static ValueType size(long min, long max) {
        return new ValueType() {
            @Override
            public Object parse(String key, String raw, String shown) {
                Long value = Sizes.parse(raw);
                if (value == null || value < min || value > max) {
                    throw ConfigException.invalid(key, shown, allowed());
                }
                return value;
            }

            @Override
            public String allowed() {
                return "A size from " + Sizes.format(min) + " to " + Sizes.format(max)
                        + " (units B, KB, MB, GB, TB; binary; e.g. 10GB).";
            }
        };
    }

    static ValueType timeOfDay() {
        return new ValueType() {
            @Override
            public Object parse(String key, String raw, String shown) {
                try {
                    return LocalTime.parse(raw.trim());
                } catch (DateTimeParseException e) {
                    throw ConfigException.invalid(key, shown, allowed());
                }
            }

            @Override
            public String allowed() {
                return "A local time of day as HH:MM (e.g. 03:00).";
            }
        };
    }

    /** A comma-separated list of Telegram chat ids (may be negative for groups). */
    static ValueType chatIds() {
        Pattern id = Pattern.compile("-?\\d{1,19}");
        return new ValueType() {
            @Override
            public Object parse(String key, String raw, String shown) {
                List<Long> ids = new ArrayList<>();
                for (String part : raw.split(",")) {
                    String trimmed = part.trim();
                    if (trimmed.isEmpty()) {
                        continue;
                    }
                    Matcher m = id.matcher(trimmed);
                    if (!m.matches()) {
                        throw ConfigException.invalid(key, shown, allowed());
                    }
                    try {
                        ids.add(Long.parseLong(trimmed));
                    } catch (NumberFormatException e) {
                        throw ConfigException.invalid(key, shown, allowed());
                    }
                }
                return List.copyOf(ids);
            }

            @Override
            public String allowed() {
                return "A comma-separated list of chat ids (e.g. 12345,-100987654), or empty.";
            }
        };
    }

    static ValueType httpUrl() {
        return new ValueType() {
            @Override
            public Object parse(String key, String raw, String shown) {
                String value = raw.trim();
                try {
                    java.net.URI uri = new java.net.URI(value);
                    String scheme = uri.getScheme();
                    if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                        throw ConfigException.invalid(key, shown, allowed());
                    }
                    if (uri.getPort() > 65535) {
                        throw ConfigException.invalid(key, shown, allowed());
                    }
                } catch (java.net.URISyntaxException e) {
                    throw ConfigException.invalid(key, shown, allowed());
                }
                return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
            }

            @Override
            public String allowed() {
                return "An http:// or https:// URL with a host (e.g. https://api.telegram.org).";
            }
        };
    }
}
