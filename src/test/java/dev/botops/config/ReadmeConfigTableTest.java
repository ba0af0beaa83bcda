package dev.botops.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the README true: its configuration table names every key with its environment variable and default. */
class ReadmeConfigTableTest {

    @Test
    void readmeListsEveryConfigurationKey() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (ConfigKey key : ConfigKey.values()) {
            String defaultShown = key.defaultValue().isEmpty() ? "(empty)" : key.defaultValue();
            assertThat(readme)
                    .as("README row for %s", key.property())
                    .contains("| `" + key.property() + "` | `" + key.env() + "` | " + defaultShown + " |");
        }
    }

    @Test
    void readmeListsTheVariableNamingTheConfigFile() throws IOException {
        assertThat(Files.readString(Path.of("README.md"))).contains("| (`--config FILE`) | `" + SettingsLoader.CONFIG_ENV + "` | (empty) |");
    }
}
