package dev.botops.app;

import dev.botops.config.Settings;
import dev.botops.config.SettingsLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every command takes: the config file and {@code --set key=value} overrides. */
public final class GlobalOptions {
    @Option(names = "--config", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Properties file (default: botops.properties in the user's config directory).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", scope = ScopeType.INHERIT,
            description = "Override one configuration key, e.g. --set limits.storage-quota=5GB (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** Loads and validates the settings; throws ConfigException (exit code 2) when they are bad. */
    public Settings load() {
        return SettingsLoader.load(configFile, System.getenv(), overrides);
    }
}
