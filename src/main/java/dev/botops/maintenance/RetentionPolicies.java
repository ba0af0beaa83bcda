package dev.botops.maintenance;

import dev.botops.config.ConfigException;
import dev.botops.config.Durations;
import dev.botops.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The retention policies: built-in defaults for everything that grows, overridden or extended by dynamic
 * keys {@code retention.<name>.table|column|max-age|batch-size|archive|enabled}. Parsing checks the values;
 * {@link PolicyCatalog} then checks tables and columns against the database at start.
 */
public final class RetentionPolicies {
    public static final String PREFIX = "retention.";
    static final int DEFAULT_BATCH_SIZE = 5_000;
    private static final int MAX_BATCH_SIZE = 1_000_000;
    private static final Set<String> ATTRIBUTES = Set.of("table", "column", "max-age", "batch-size", "archive", "enabled");

    /** The original system kept 30 days of logs and ticks and every trade; the app's own history is bounded too. */
    static final List<RetentionPolicy> DEFAULTS = List.of(
            policy("message_log", "logged_at", Duration.ofDays(30)),
            policy("price_ticks", "ts", Duration.ofDays(30)),
            policy("processed_updates", "processed_at", Duration.ofDays(7)),
            policy("metric_samples", "sampled_at", Duration.ofDays(90)),
            policy("maintenance_runs", "started_at", Duration.ofDays(180)),
            // Active alerts have no resolved_at, and NULL is never older than the cutoff: only resolved ones go.
            policy("alerts", "resolved_at", Duration.ofDays(90)),
            // Trades are the users' history: kept unless someone enables this with an age of their choosing.
            new RetentionPolicy("trades", "trades", "executed_at", null, DEFAULT_BATCH_SIZE, false, false));

    private RetentionPolicies() {
    }

    private static RetentionPolicy policy(String table, String column, Duration maxAge) {
        return new RetentionPolicy(table, table, column, maxAge, DEFAULT_BATCH_SIZE, false, true);
    }

    /** The defaults with the configured overrides applied, in a stable order (defaults first, then new ones by name). */
    public static List<RetentionPolicy> fromSettings(Settings settings) {
        return parse(settings.dynamic(PREFIX));
    }

    static List<RetentionPolicy> parse(Map<String, String> keys) {
        Map<String, Map<String, String>> byName = new LinkedHashMap<>();
        keys.forEach((key, value) -> {
            String rest = key.substring(PREFIX.length());
            int dot = rest.lastIndexOf('.');
            String name = dot > 0 ? rest.substring(0, dot) : "";
            String attribute = dot > 0 ? rest.substring(dot + 1) : rest;
            if (name.isEmpty() || !ATTRIBUTES.contains(attribute)) {
                throw new ConfigException(key, "Unknown retention setting '" + key + "'. Use retention.<name>.<setting> with one of: "
                        + String.join(", ", List.of("table", "column", "max-age", "batch-size", "archive", "enabled")) + ".");
            }
            byName.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(attribute, value.trim());
        });
        List<RetentionPolicy> result = new ArrayList<>();
        for (RetentionPolicy base : DEFAULTS) {
            Map<String, String> overrides = byName.remove(base.name());
            result.add(overrides == null ? base : apply(base, overrides));
        }
        byName.keySet().stream().sorted().forEach(name -> result.add(apply(null, name, byName.get(name))));
        return List.copyOf(result);
    }

    /**
     * One policy from its attributes ({@code table}, {@code column}, {@code max-age}, {@code batch-size}, {@code archive},
     * {@code enabled}), on top of the built-in policy of that name if there is one, as a settings editor has it; every
     * problem found goes to {@code problems} with its key. Returns {@code null} when the values do not make a policy.
     */
    static RetentionPolicy parseOne(String name, Map<String, String> attributes, List<PolicyCheck.Problem> problems) {
        if (name == null || !name.matches("[A-Za-z0-9_-]+")) {
            problems.add(new PolicyCheck.Problem(PREFIX + name, "A policy name is letters, digits, '_' or '-' (it becomes part of the keys "
                    + PREFIX + "<name>.*), not '" + name + "'."));
            return null;
        }
        Map<String, String> values = new LinkedHashMap<>();
        attributes.forEach((attribute, value) -> {
            if (!ATTRIBUTES.contains(attribute)) {
                problems.add(new PolicyCheck.Problem(key(name, attribute), "Unknown retention setting '" + attribute + "'. Use one of: "
                        + String.join(", ", List.of("table", "column", "max-age", "batch-size", "archive", "enabled")) + "."));
            } else if (value != null) {
                values.put(attribute, value.trim());
            }
        });
        // Each value on its own first, so that an editor hears of every bad field at once.
        check(problems, () -> values.containsKey("max-age") ? maxAge(name, values.get("max-age")) : null);
        check(problems, () -> values.containsKey("batch-size") ? batchSize(name, values.get("batch-size")) : null);
        check(problems, () -> values.containsKey("archive") ? bool(name, "archive", values.get("archive")) : null);
        check(problems, () -> values.containsKey("enabled") ? bool(name, "enabled", values.get("enabled")) : null);
        if (!problems.isEmpty()) {
            return null;
        }
        RetentionPolicy base = DEFAULTS.stream().filter(p -> p.name().equals(name)).findFirst().orElse(null);
        try {
            return apply(base, name, values);
        } catch (ConfigException e) {
            problems.add(new PolicyCheck.Problem(e.key(), e.getMessage()));
            return null;
        }
    }

    private static void check(List<PolicyCheck.Problem> problems, java.util.function.Supplier<Object> parse) {
        try {
            parse.get();
        } catch (ConfigException e) {
            problems.add(new PolicyCheck.Problem(e.key(), e.getMessage()));
        }
    }

    private static RetentionPolicy apply(RetentionPolicy base, Map<String, String> overrides) {
        return apply(base, base.name(), overrides);
    }

    private static RetentionPolicy apply(RetentionPolicy base, String name, Map<String, String> o) {
        String table = o.getOrDefault("table", base != null ? base.table() : name);
        String column = o.containsKey("column") ? o.get("column") : base != null ? base.column() : null;
        Duration maxAge = o.containsKey("max-age") ? maxAge(name, o.get("max-age")) : base != null ? base.maxAge() : null;
        int batchSize = o.containsKey("batch-size") ? batchSize(name, o.get("batch-size")) : base != null ? base.batchSize() : DEFAULT_BATCH_SIZE;
        boolean archiveSet = o.containsKey("archive") || base != null && base.archiveSet();
        boolean archive = o.containsKey("archive") ? bool(name, "archive", o.get("archive")) : base != null && base.archive();
        boolean enabled = o.containsKey("enabled") ? bool(name, "enabled", o.get("enabled")) : base == null || base.enabled();
        if (table.isBlank()) {
            throw new ConfigException(key(name, "table"), "Retention policy '" + name + "' names no table. Set " + key(name, "table") + ".");
        }
        if (column == null || column.isBlank()) {
            throw new ConfigException(key(name, "column"), "Retention policy '" + name + "' names no timestamp column. Set "
                    + key(name, "column") + " (e.g. created_at).");
        }
        if (enabled && maxAge == null) {
            throw new ConfigException(key(name, "max-age"), "Retention policy '" + name + "' is enabled but has no maximum age. Set "
                    + key(name, "max-age") + " (e.g. 30d).");
        }
        return new RetentionPolicy(name, table, column, maxAge, batchSize, archive, enabled, archiveSet);
    }

    private static Duration maxAge(String name, String raw) {
        String key = key(name, "max-age");
        if (raw.startsWith("-")) {
            throw new ConfigException(key, "Invalid value for " + key + ": '" + raw + "'. A maximum age must not be negative; use e.g. 30d.");
        }
        Duration age = Durations.parse(raw);
        if (age == null || age.isNegative()) {
            throw ConfigException.invalid(key, raw, "A positive duration such as 12h or 30d.");
        }
        if (age.isZero()) {
            throw new ConfigException(key, "Invalid value for " + key + ": '" + raw
                    + "'. A maximum age of zero would delete every row; set enabled=false to keep rows, or a positive age.");
        }
        return age;
    }

    private static int batchSize(String name, String raw) {
        try {
            int size = Integer.parseInt(raw.replace("_", ""));
            if (size >= 1 && size <= MAX_BATCH_SIZE) {
                return size;
            }
        } catch (NumberFormatException e) {
            // reported below with the allowed range
        }
        throw ConfigException.invalid(key(name, "batch-size"), raw, "A whole number from 1 to " + MAX_BATCH_SIZE + ".");
    }

    private static boolean bool(String name, String attribute, String raw) {
        switch (raw.toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
            case "on":
                return true;
            case "false":
            case "no":
            case "off":
                return false;
            default:
                throw ConfigException.invalid(key(name, attribute), raw, "true or false.");
        }
    }

    static String key(String name, String attribute) {
        return PREFIX + name + "." + attribute;
    }
}
