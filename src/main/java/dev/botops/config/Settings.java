package dev.botops.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The one validated, immutable configuration of the process. Built by {@link SettingsLoader}; every value
 * has been parsed and range-checked, and cross-field rules hold. {@link #toString()} masks secrets.
 */
public final class Settings {
    /** Property prefixes whose keys are data (e.g. retention policies) rather than fixed keys. */
    public static final List<String> DYNAMIC_PREFIXES = List.of("retention.", WebhookKeys.PREFIX);

    private final Map<ConfigKey, Object> values;
    private final Map<ConfigKey, String> raw;
    private final Map<ConfigKey, String> sources;
    private final Map<String, String> dynamic;
    /** Where each value set by the user came from, for errors: property to label (see {@link #where}). */
    private final Map<String, String> locations;
    private final Path configFile;
    private final Path dataDir;
    private final DatabaseUrl databaseUrl;

    Settings(Map<ConfigKey, String> raw, Map<ConfigKey, String> sources, Map<String, String> dynamic, Map<String, String> locations,
             Path configFile, Map<String, String> env) {
        this.locations = Map.copyOf(locations);
        EnumMap<ConfigKey, Object> parsed = new EnumMap<>(ConfigKey.class);
        for (ConfigKey key : ConfigKey.values()) {
            String value = raw.get(key);
            try {
                parsed.put(key, key.type().parse(key.property(), value, key.mask(value)));
            } catch (ConfigException e) {
                throw located(e);
            }
        }
        this.values = Collections.unmodifiableMap(parsed);
        this.raw = Collections.unmodifiableMap(new EnumMap<>(raw));
        this.sources = Collections.unmodifiableMap(new EnumMap<>(sources));
        this.dynamic = Collections.unmodifiableMap(new TreeMap<>(dynamic));
        this.configFile = configFile;
        String dataDirText = string(ConfigKey.DATA_DIR);
        this.dataDir = dataDirText.isEmpty() ? AppPaths.defaultDataDir(env) : Path.of(dataDirText);
        String url = string(ConfigKey.DATABASE_URL);
        try {
            this.databaseUrl = url.isEmpty() ? null
                    : DatabaseUrl.parse(url).withCredentials(string(ConfigKey.DATABASE_USER), string(ConfigKey.DATABASE_PASSWORD));
            checkCrossFieldRules();
        } catch (ConfigException e) {
            throw located(e);
        }
    }

    /**
     * Where the value of a property came from, as the user wrote it: {@code environment variable DATABASE_URL
     * (database.url)}, {@code database.url in /etc/botops/botops.properties, line 3}, {@code --set database.url};
     * the bare property for defaults and values set in the app.
     */
    public String where(String property) {
        return locations.getOrDefault(property, property);
    }

    /** The error with its key replaced by where the user set it (see {@link #where}); secrets stay masked as they were. */
    public ConfigException located(ConfigException e) {
        return e.at(where(e.key()));
    }

    private void checkCrossFieldRules() {
        requireBelow(ConfigKey.ALERT_STORAGE_WARNING, ConfigKey.ALERT_STORAGE_CRITICAL);
        requireBelow(ConfigKey.ALERT_CONNECTIONS_WARNING, ConfigKey.ALERT_CONNECTIONS_CRITICAL);
        if (integer(ConfigKey.ALERT_FORECAST_CRITICAL_DAYS) >= integer(ConfigKey.ALERT_FORECAST_WARNING_DAYS)) {
            throw new ConfigException(ConfigKey.ALERT_FORECAST_CRITICAL_DAYS.property(),
                    "Invalid value for " + ConfigKey.ALERT_FORECAST_CRITICAL_DAYS.property() + ": '"
                            + raw.get(ConfigKey.ALERT_FORECAST_CRITICAL_DAYS) + "'. It must be fewer days than "
                            + ConfigKey.ALERT_FORECAST_WARNING_DAYS.property() + " (" + raw.get(ConfigKey.ALERT_FORECAST_WARNING_DAYS) + ").");
        }
        if (duration(ConfigKey.RETRY_INITIAL_DELAY).compareTo(duration(ConfigKey.RETRY_MAX_DELAY)) > 0) {
            throw new ConfigException(ConfigKey.RETRY_INITIAL_DELAY.property(),
                    "Invalid value for " + ConfigKey.RETRY_INITIAL_DELAY.property() + ": '" + raw.get(ConfigKey.RETRY_INITIAL_DELAY)
                            + "'. It must not exceed " + ConfigKey.RETRY_MAX_DELAY.property() + " (" + raw.get(ConfigKey.RETRY_MAX_DELAY) + ").");
        }
        if (duration(ConfigKey.IDLE_TIMEOUT).compareTo(duration(ConfigKey.MAX_LIFETIME)) >= 0) {
            throw new ConfigException(ConfigKey.IDLE_TIMEOUT.property(),
                    "Invalid value for " + ConfigKey.IDLE_TIMEOUT.property() + ": '" + raw.get(ConfigKey.IDLE_TIMEOUT)
                            + "'. It must be shorter than " + ConfigKey.MAX_LIFETIME.property() + " (" + raw.get(ConfigKey.MAX_LIFETIME) + ").");
        }
        if (duration(ConfigKey.MONITOR_HISTORY_RETENTION).compareTo(duration(ConfigKey.FORECAST_WINDOW)) < 0) {
            throw new ConfigException(ConfigKey.MONITOR_HISTORY_RETENTION.property(),
                    "Invalid value for " + ConfigKey.MONITOR_HISTORY_RETENTION.property() + ": '" + raw.get(ConfigKey.MONITOR_HISTORY_RETENTION)
                            + "'. It must be at least " + ConfigKey.FORECAST_WINDOW.property() + " (" + raw.get(ConfigKey.FORECAST_WINDOW)
                            + "): the forecast reads that much history.");
        }
        if (string(ConfigKey.HTTP_BIND).isEmpty()) {
            throw ConfigException.invalid(ConfigKey.HTTP_BIND.property(), "", "An IP address or host name such as 127.0.0.1.");
        }
    }

    private void requireBelow(ConfigKey lower, ConfigKey upper) {
        if (percent(lower) >= percent(upper)) {
            throw new ConfigException(lower.property(), "Invalid value for " + lower.property() + ": '" + raw.get(lower)
                    + "'. It must be below " + upper.property() + " (" + raw.get(upper) + ").");
        }
    }

    public String string(ConfigKey key) {
        return (String) values.get(key);
    }

    public long longValue(ConfigKey key) {
        return (Long) values.get(key);
    }

    public int integer(ConfigKey key) {
        return Math.toIntExact((Long) values.get(key));
    }

    public double percent(ConfigKey key) {
        return (Double) values.get(key);
    }

    public boolean flag(ConfigKey key) {
        return (Boolean) values.get(key);
    }

    public Duration duration(ConfigKey key) {
        return (Duration) values.get(key);
    }

    public long bytes(ConfigKey key) {
        return (Long) values.get(key);
    }

    public LocalTime time(ConfigKey key) {
        return (LocalTime) values.get(key);
    }

    public <E extends Enum<E>> E choice(ConfigKey key, Class<E> type) {
        return type.cast(values.get(key));
    }

    @SuppressWarnings("unchecked")
    public List<Long> chatIds(ConfigKey key) {
        return (List<Long>) values.get(key);
    }

    /** The configured external database, or empty when the embedded PostgreSQL is to be used. */
    public Optional<DatabaseUrl> databaseUrl() {
        return Optional.ofNullable(databaseUrl);
    }

    /** The raw text of a value as configured (unmasked: never show it without {@link ConfigKey#mask}). */
    public String raw(ConfigKey key) {
        return raw.get(key);
    }

    /** Where the effective value came from: default, file, env or command line. */
    public String source(ConfigKey key) {
        return sources.get(key);
    }

    /** Dynamic keys (such as {@code retention.message_log.max-age}) under a prefix, in key order. */
    public Map<String, String> dynamic(String prefix) {
        Map<String, String> result = new LinkedHashMap<>();
        dynamic.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                result.put(k, v);
            }
        });
        return result;
    }

    public Path configFile() {
        return configFile;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logDir() {
        return dataDir.resolve("logs");
    }

    /** Instance name for leases and logs: the configured one, or host:pid. */
    public String instanceName() {
        String name = string(ConfigKey.INSTANCE_NAME);
        if (!name.isEmpty()) {
            return name;
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid();
    }

    /**
     * A copy with some values replaced (property name to text); validated like a fresh load. Used by the
     * settings screen and by tests.
     */
    public Settings with(Map<String, String> overrides) {
        Map<ConfigKey, String> newRaw = new EnumMap<>(raw);
        Map<ConfigKey, String> newSources = new EnumMap<>(sources);
        Map<String, String> newDynamic = new TreeMap<>(dynamic);
        Map<String, String> newLocations = new java.util.HashMap<>(locations);
        overrides.forEach((property, value) -> {
            newLocations.remove(property.trim());
            ConfigKey key = SettingsLoader.resolveKey(property, "override");
            if (key == null) {
                newDynamic.put(property, value);
            } else {
                newRaw.put(key, value);
                newSources.put(key, "override");
            }
        });
        return new Settings(newRaw, newSources, newDynamic, newLocations, configFile, System.getenv());
    }

    /** One line per key, {@code key = value  (source)}, secrets masked. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (ConfigKey key : ConfigKey.values()) {
            lines.add(key.property() + " = " + key.mask(raw.get(key)) + "  (" + sources.get(key) + ")");
        }
        dynamic.forEach((k, v) -> lines.add(k + " = " + WebhookKeys.mask(k, v) + "  (dynamic)"));
        return lines;
    }

    @Override
    public String toString() {
        return String.join(System.lineSeparator(), describe());
    }
}
