package dev.botops.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreTheDocumentedOnes() {
        Settings s = SettingsLoader.fromProperties(Map.of());
        assertThat(s.integer(ConfigKey.POOL_SIZE)).isEqualTo(4);
        assertThat(s.bytes(ConfigKey.STORAGE_QUOTA)).isEqualTo(10L * 1024 * 1024 * 1024);
        assertThat(s.percent(ConfigKey.ALERT_STORAGE_WARNING)).isEqualTo(80.0);
        assertThat(s.duration(ConfigKey.MONITOR_INTERVAL)).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.databaseUrl()).isEmpty();
        assertThat(s.integer(ConfigKey.HTTP_PORT)).isEqualTo(5000);
    }

    @Test
    void laterSourcesWinFileThenEnvironmentThenCommandLine() throws IOException {
        Path file = dir.resolve("botops.properties");
        Files.writeString(file, "database.pool-size=6\nlimits.storage-quota=5GB\nmonitor.interval=10s\n");
        Settings s = SettingsLoader.load(file, Map.of("BOTOPS_DATABASE_POOL_SIZE", "7", "BOTOPS_MONITOR_INTERVAL", "20s"),
                Map.of("monitor.interval", "30s"));
        assertThat(s.bytes(ConfigKey.STORAGE_QUOTA)).isEqualTo(5L * 1024 * 1024 * 1024);
        assertThat(s.integer(ConfigKey.POOL_SIZE)).isEqualTo(7);
        assertThat(s.duration(ConfigKey.MONITOR_INTERVAL)).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.source(ConfigKey.STORAGE_QUOTA)).startsWith("file");
        assertThat(s.source(ConfigKey.POOL_SIZE)).isEqualTo("env BOTOPS_DATABASE_POOL_SIZE");
        assertThat(s.source(ConfigKey.MONITOR_INTERVAL)).isEqualTo("command line");
    }

    @Test
    void environmentNamesFollowTheOriginalSystem() {
        Settings s = SettingsLoader.load(null, Map.of(
                "XDG_CONFIG_HOME", dir.toString(),
                "DATABASE_URL", "postgres://u:p@db.example.com/trading",
                "TELEGRAM_BOT_TOKEN", "123:abc",
                "TELEGRAM_API_URL", "http://127.0.0.1:8081/",
                "BOTOPS_HEALTH_TOKEN", "t0ken"), Map.of());
        assertThat(s.databaseUrl().orElseThrow().host()).isEqualTo("db.example.com");
        assertThat(s.string(ConfigKey.BOT_TOKEN)).isEqualTo("123:abc");
        assertThat(s.string(ConfigKey.BOT_API_URL)).isEqualTo("http://127.0.0.1:8081");
        assertThat(s.string(ConfigKey.HTTP_TOKEN)).isEqualTo("t0ken");
    }

    @Test
    void missingExplicitConfigFileIsAClearError() {
        Path missing = dir.resolve("missing.properties");
        assertThatThrownBy(() -> SettingsLoader.load(missing, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Config file not found")
                .hasMessageContaining("missing.properties");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "database.pool-size | -1 | from 1 to 100",
        "database.pool-size | 5000 | from 1 to 100",
        "database.pool-size | four | whole number",
        "http.port | 70000 | from 0 to 65535",
        "limits.storage-quota | lots | size",
        "limits.storage-quota | -5GB | size",
        "alerts.storage.warning | 150 | percentage",
        "monitor.interval | 5 parsecs | duration",
        "bot.webhook-policy | ignore | One of: delete, refuse",
        "ui.theme | purple | One of: light, dark",
        "maintenance.daily-at | 25:00 | HH:MM",
        "bot.admin-chats | 12,abc | chat ids",
        "bot.api-url | ftp://x | http",
    })
    void badValuesNameTheKeyShowTheValueAndSayWhatIsAllowed(String key, String value, String allowed) {
        assertThatThrownBy(() -> SettingsLoader.fromProperties(Map.of(key, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("'" + value + "'")
                .hasMessageContaining(allowed);
    }

    @Test
    void unknownKeysAreRejectedWithASuggestion() {
        assertThatThrownBy(() -> SettingsLoader.fromProperties(Map.of("database.pool-sise", "4")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Unknown configuration key 'database.pool-sise'")
                .hasMessageContaining("Did you mean 'database.pool-size'");
    }

    @Test
    void warningThresholdMustStayBelowCritical() {
        assertThatThrownBy(() -> SettingsLoader.fromProperties(Map.of("alerts.storage.warning", "96")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerts.storage.warning")
                .hasMessageContaining("below alerts.storage.critical");
    }

    @Test
    void secretValuesAreMaskedInErrorsAndDescriptions() {
        assertThatThrownBy(() -> SettingsLoader.fromProperties(Map.of("database.url", "postgres://u:hunter2@h:99999/db")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        Settings s = SettingsLoader.fromProperties(Map.of(
                "database.url", "postgres://u:hunter2@h/db",
                // Token-shaped but built at run time, so no token-like literal sits in the sources.
                "bot.token", "123456789:" + "FakeTokenForMaskingTest".repeat(2),
                "http.token", "health-secret-token"));
        String printed = s.toString();
        assertThat(printed).doesNotContain("hunter2").doesNotContain("FakeTokenForMaskingTest").doesNotContain("health-secret-token")
                .contains("database.url = postgres://u:****@h/db")
                .contains("bot.token = ****");
    }

    @Test
    void dynamicRetentionKeysAreKeptForTheMaintenancePolicies() {
        Settings s = SettingsLoader.fromProperties(Map.of("retention.message_log.max-age", "14d"));
        assertThat(s.dynamic("retention.")).containsEntry("retention.message_log.max-age", "14d");
    }
}
