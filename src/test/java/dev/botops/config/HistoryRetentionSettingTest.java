package dev.botops.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistoryRetentionSettingTest {
    @Test
    void historyRetentionDefaultsToTheMaintenanceRetentionOfNinetyDays() {
        assertThat(SettingsLoader.fromProperties(Map.of()).duration(ConfigKey.MONITOR_HISTORY_RETENTION)).isEqualTo(Duration.ofDays(90));
    }

    @Test
    void historyRetentionShorterThanTheForecastWindowIsRefused() {
        assertThatThrownBy(() -> SettingsLoader.fromProperties(Map.of("monitor.history-retention", "3d", "monitor.forecast-window", "7d")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("monitor.history-retention").hasMessageContaining("monitor.forecast-window");
    }
}
