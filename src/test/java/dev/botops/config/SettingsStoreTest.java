package dev.botops.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsStoreTest {
    @TempDir
    Path dir;

    @Test
    void savingKeepsCommentsAndOtherLinesAndUpdatesInPlace() throws IOException {
        Path file = dir.resolve("botops.properties");
        Files.writeString(file, "# my notes\nlimits.storage-quota=10GB\n\n# theme below\nui.theme=light\n");
        Settings current = SettingsLoader.load(file, Map.of(), Map.of());
        Settings saved = new SettingsStore(file).save(current, Map.of("ui.theme", "dark", "database.pool-size", "6"));
        assertThat(saved.choice(ConfigKey.UI_THEME, ConfigKey.Theme.class)).isEqualTo(ConfigKey.Theme.DARK);
        assertThat(Files.readAllLines(file)).containsExactly(
                "# my notes", "limits.storage-quota=10GB", "", "# theme below", "ui.theme=dark", "database.pool-size=6");
        assertThat(SettingsLoader.load(file, Map.of(), Map.of()).integer(ConfigKey.POOL_SIZE)).isEqualTo(6);
    }

    @Test
    void invalidValuesAreRejectedAndTheFileIsLeftUntouched() throws IOException {
        Path file = dir.resolve("botops.properties");
        Files.writeString(file, "ui.theme=light\n");
        Settings current = SettingsLoader.load(file, Map.of(), Map.of());
        assertThatThrownBy(() -> new SettingsStore(file).save(current, Map.of("limits.storage-quota", "lots")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("limits.storage-quota"));
        assertThat(Files.readString(file)).isEqualTo("ui.theme=light\n");
    }

    @Test
    void aMissingFileIsCreatedWithTheChanges() throws IOException {
        Path file = dir.resolve("sub").resolve("botops.properties");
        Settings current = SettingsLoader.fromProperties(Map.of());
        new SettingsStore(file).save(current, Map.of("bot.admin-chats", "1, -100200"));
        assertThat(SettingsLoader.load(file, Map.of(), Map.of()).chatIds(ConfigKey.BOT_ADMIN_CHATS)).containsExactly(1L, -100200L);
    }
}
