package dev.botops.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configuration error names what the user typed: the environment variable, the file and line, or --set. */
class ConfigErrorSourceTest {
    @TempDir
    Path dir;

    private Map<String, String> env(String... keyValues) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("XDG_CONFIG_HOME", dir.resolve("no-config").toString()));
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return env;
    }

    @Test
    void badDatabaseUrlFromTheEnvironmentNamesTheVariableAndMasksThePassword() {
        assertThatThrownBy(() -> SettingsLoader.load(null, env("DATABASE_URL", "postgres://u:s3cret@db.example:notaport/x"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid value for environment variable DATABASE_URL (database.url): "
                        + "'postgres://u:****@db.example:notaport/x'.")
                .hasMessageContaining("The port must be a number")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"))
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("database.url"));
    }

    @Test
    void badValueFromTheEnvironmentNamesItsBotopsVariable() {
        assertThatThrownBy(() -> SettingsLoader.load(null, env("BOTOPS_DATABASE_POOL_SIZE", "lots"), Map.of()))
                .hasMessageStartingWith("Invalid value for environment variable BOTOPS_DATABASE_POOL_SIZE (database.pool-size): 'lots'.");
    }

    @Test
    void badValueFromTheFileNamesTheFileAndTheLine() throws IOException {
        Path file = dir.resolve("botops.properties");
        Files.writeString(file, "# the server\nlimits.storage-quota = 5GB\n\nmonitor.interval = \\\n    5 parsecs\ndatabase.pool-size=0\n");
        assertThatThrownBy(() -> SettingsLoader.load(file, env(), Map.of()))
                .hasMessageStartingWith("Invalid value for database.pool-size in " + file.toAbsolutePath() + ", line 6: '0'.");
    }

    @Test
    void valueContinuedOverSeveralLinesIsNamedByItsFirstLine() throws IOException {
        Path file = dir.resolve("botops.properties");
        Files.writeString(file, "limits.storage-quota = 5GB\nmonitor.interval = \\\n    5 parsecs\n");
        assertThatThrownBy(() -> SettingsLoader.load(file, env(), Map.of()))
                .hasMessageContaining("monitor.interval in " + file.toAbsolutePath() + ", line 2");
    }

    @Test
    void badValueFromTheCommandLineNamesTheSetOption() {
        assertThatThrownBy(() -> SettingsLoader.load(null, env(), Map.of("http.port", "70000")))
                .hasMessageStartingWith("Invalid value for --set http.port: '70000'.");
    }

    @Test
    void ruleBetweenTwoKeysNamesWhereTheOffendingOneWasSet() throws IOException {
        Path file = dir.resolve("botops.properties");
        Files.writeString(file, "alerts.storage.warning=97\n");
        assertThatThrownBy(() -> SettingsLoader.load(file, env(), Map.of()))
                .hasMessageStartingWith("Invalid value for alerts.storage.warning in " + file.toAbsolutePath() + ", line 1: '97'.")
                .hasMessageContaining("below alerts.storage.critical");
    }

    @Test
    void unknownKeyInTheFileNamesTheLine() throws IOException {
        Path file = dir.resolve("botops.properties");
        Files.writeString(file, "database.pool-size=3\ndatabase.pool-sise=4\n");
        assertThatThrownBy(() -> SettingsLoader.load(file, env(), Map.of()))
                .hasMessageContaining("Unknown configuration key 'database.pool-sise' (database.pool-sise in " + file.toAbsolutePath()
                        + ", line 2)")
                .hasMessageContaining("Did you mean 'database.pool-size'");
    }

    @Test
    void errorsOfOtherPartsAreLocatedBySettings() throws IOException {
        Path file = dir.resolve("botops.properties");
        Files.writeString(file, "retention.events.column=created_at\nretention.events.max-age=-3d\n");
        Settings settings = SettingsLoader.load(file, env(), Map.of());
        ConfigException located = settings.located(new ConfigException("retention.events.max-age",
                "Invalid value for retention.events.max-age: '-3d'. A maximum age must not be negative."));

        assertThat(located.getMessage()).isEqualTo("Invalid value for retention.events.max-age in " + file.toAbsolutePath()
                + ", line 2: '-3d'. A maximum age must not be negative.");
        assertThat(settings.located(new ConfigException("retention.events.column", "Table events has no column 'created_at'."))
                .getMessage()).isEqualTo("Table events has no column 'created_at'. (retention.events.column in " + file.toAbsolutePath()
                + ", line 1)");
    }

    @Test
    void botopsConfigNamesTheFileWhenNoConfigOptionIsGiven() throws IOException {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "limits.storage-quota=5GB\n");
        Settings settings = SettingsLoader.load(null, env(SettingsLoader.CONFIG_ENV, file.toString()), Map.of());

        assertThat(settings.configFile()).isEqualTo(file);
        assertThat(settings.bytes(ConfigKey.STORAGE_QUOTA)).isEqualTo(5L << 30);
    }

    @Test
    void configOptionWinsOverBotopsConfig() throws IOException {
        Path fromEnv = dir.resolve("env.properties");
        Path fromOption = dir.resolve("option.properties");
        Files.writeString(fromEnv, "limits.storage-quota=5GB\n");
        Files.writeString(fromOption, "limits.storage-quota=7GB\n");
        Settings settings = SettingsLoader.load(fromOption, env(SettingsLoader.CONFIG_ENV, fromEnv.toString()), Map.of());

        assertThat(settings.configFile()).isEqualTo(fromOption);
        assertThat(settings.bytes(ConfigKey.STORAGE_QUOTA)).isEqualTo(7L << 30);
    }

    @Test
    void missingFileNamedByBotopsConfigIsAnErrorNamingTheVariable() {
        Path missing = dir.resolve("missing.properties");
        assertThatThrownBy(() -> SettingsLoader.load(null, env(SettingsLoader.CONFIG_ENV, missing.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Config file not found: " + missing.toAbsolutePath())
                .hasMessageContaining("environment variable BOTOPS_CONFIG");
    }

    @Test
    void lineNumbersSkipCommentsAndContinuationsAndTakeTheLastAssignment() {
        Map<String, Integer> lines = SettingsLoader.lineNumbers(List.of("# a = 1", "a = 2", "b = x\\", "  c = not a key", "a: 3",
                "! d = comment", "e 5"));
        assertThat(lines).containsEntry("a", 5).containsEntry("b", 3).containsEntry("e", 7).doesNotContainKeys("c", "d");
    }
}
