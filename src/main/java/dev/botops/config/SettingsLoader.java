package dev.botops.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/** Layers the configuration sources (defaults, file, environment, command line) into one {@link Settings}. */
public final class SettingsLoader {
    /** The environment variable naming the properties file, for servers (systemd, cron); {@code --config} wins over it. */
    public static final String CONFIG_ENV = "BOTOPS_CONFIG";

    private SettingsLoader() {
    }

    /** Defaults plus the given properties only: no file, no environment. For tests and tools. */
    public static Settings fromProperties(Map<String, String> properties) {
        Map<ConfigKey, String> raw = new EnumMap<>(ConfigKey.class);
        Map<ConfigKey, String> sources = new EnumMap<>(ConfigKey.class);
        Map<String, String> dynamic = new TreeMap<>();
        putDefaults(raw, sources);
        properties.forEach((property, value) -> put(raw, sources, dynamic, property, value, "given"));
        return new Settings(raw, sources, dynamic, Map.of(), null, Map.of());
    }

    /**
     * @param explicitFile a file named with {@code --config}: it must exist; {@code null} uses the file named by
     *                     {@value #CONFIG_ENV} (which must exist too), else the default file in the user's config
     *                     directory if it exists
     * @param env          the environment (injected so tests control it)
     * @param commandLine  {@code key=value} overrides from {@code --set}
     */
    public static Settings load(Path explicitFile, Map<String, String> env, Map<String, String> commandLine) {
        Map<ConfigKey, String> raw = new EnumMap<>(ConfigKey.class);
        Map<ConfigKey, String> sources = new EnumMap<>(ConfigKey.class);
        Map<String, String> dynamic = new TreeMap<>();
        Map<String, String> locations = new HashMap<>();
        putDefaults(raw, sources);

        Path file = configFile(explicitFile, env);
        if (Files.isRegularFile(file)) {
            Properties props = new Properties();
            List<String> lines;
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(reader);
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException | IllegalArgumentException e) {
                throw new ConfigException(file.toString(), "Cannot read config file " + file.toAbsolutePath() + ": " + e.getMessage());
            }
            Map<String, Integer> lineNumbers = lineNumbers(lines);
            for (String property : props.stringPropertyNames()) {
                String where = property + " in " + file.toAbsolutePath()
                        + (lineNumbers.containsKey(property) ? ", line " + lineNumbers.get(property) : "");
                put(raw, sources, dynamic, property, props.getProperty(property), "file " + file.getFileName(), where);
                locations.put(property.trim(), where);
            }
        }

        for (ConfigKey key : ConfigKey.values()) {
            String value = env.get(key.env());
            if (value != null) {
                raw.put(key, value);
                sources.put(key, "env " + key.env());
                locations.put(key.property(), "environment variable " + key.env() + " (" + key.property() + ")");
            }
        }

        dynamic.putAll(WebhookKeys.fromEnvironment(env));

        commandLine.forEach((property, value) -> {
            put(raw, sources, dynamic, property, value, "command line", "--set " + property.trim());
            locations.put(property.trim(), "--set " + property.trim());
        });
        return new Settings(raw, sources, dynamic, locations, file, env);
    }

    /** {@code --config}, else {@value #CONFIG_ENV}, else the default file; a file named by either must exist. */
    private static Path configFile(Path explicitFile, Map<String, String> env) {
        if (explicitFile != null) {
            if (!Files.isRegularFile(explicitFile)) {
                throw new ConfigException(explicitFile.toString(), "Config file not found: " + explicitFile.toAbsolutePath()
                        + ". Give an existing properties file with --config, or leave the option out.");
            }
            return explicitFile;
        }
        String fromEnv = env.get(CONFIG_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            Path file = Path.of(fromEnv.trim());
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(CONFIG_ENV, "Config file not found: " + file.toAbsolutePath() + " (named by the environment variable "
                        + CONFIG_ENV + "). Create it, point " + CONFIG_ENV + " at an existing properties file, or unset it.");
            }
            return file;
        }
        return AppPaths.defaultConfigFile(env);
    }

    /**
     * The line (1-based) where each key of a properties file is set; the last one when set twice, as
     * {@link Properties} reads it. Continuation lines (after a line ending in a backslash) set nothing.
     */
    static Map<String, Integer> lineNumbers(List<String> lines) {
        Map<String, Integer> numbers = new HashMap<>();
        boolean continued = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!continued) {
                String key = SettingsStore.keyOf(line);
                if (key != null) {
                    numbers.put(key, i + 1);
                }
            }
            boolean comment = !continued && (line.trim().startsWith("#") || line.trim().startsWith("!"));
            continued = !comment && endsInEscapedNewline(line);
        }
        return numbers;
    }

    private static boolean endsInEscapedNewline(String line) {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static void putDefaults(Map<ConfigKey, String> raw, Map<ConfigKey, String> sources) {
        for (ConfigKey key : ConfigKey.values()) {
            raw.put(key, key.defaultValue());
            sources.put(key, "default");
        }
    }

    private static void put(Map<ConfigKey, String> raw, Map<ConfigKey, String> sources, Map<String, String> dynamic,
                            String property, String value, String source) {
        put(raw, sources, dynamic, property, value, source, source);
    }

    private static void put(Map<ConfigKey, String> raw, Map<ConfigKey, String> sources, Map<String, String> dynamic,
                            String property, String value, String source, String where) {
        ConfigKey key = resolveKey(property, where);
        if (key == null) {
            dynamic.put(property, value);
        } else {
            raw.put(key, value);
            sources.put(key, source);
        }
    }

    /** The key for a property name; {@code null} for dynamic keys; an error naming the nearest key otherwise. */
    static ConfigKey resolveKey(String property, String source) {
        String name = property.trim();
        ConfigKey key = ConfigKey.byProperty(name);
        if (key != null) {
            return key;
        }
        for (String prefix : Settings.DYNAMIC_PREFIXES) {
            if (name.startsWith(prefix)) {
                return null;
            }
        }
        throw new ConfigException(name, "Unknown configuration key '" + name + "' (" + source + ")."
                + nearest(name).map(k -> " Did you mean '" + k + "'?").orElse("")
                + " The README lists every key.");
    }

    private static java.util.Optional<String> nearest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey key : ConfigKey.values()) {
            int d = distance(name, key.property());
            if (d < bestDistance) {
                bestDistance = d;
                best = key.property();
            }
        }
        return bestDistance <= 4 ? java.util.Optional.of(best) : java.util.Optional.empty();
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
