package dev.botops.maintenance;

import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;

/** The maintenance part of the configuration, read once. */
record MaintenanceSettings(LocalTime dailyAt, Duration healthEvery, Duration quickEvery, Duration quickBudget, Duration batchTarget,
                           Path archiveDir, Path logDir, int partitionsAhead, long quotaBytes, double deadRowsPercent,
                           long deadRowsMinBytes, String instance, Duration leaseTtl) {

    static MaintenanceSettings from(Settings s) {
        String archive = s.string(ConfigKey.MAINTENANCE_ARCHIVE_DIR);
        return new MaintenanceSettings(s.time(ConfigKey.MAINTENANCE_DAILY_AT), s.duration(ConfigKey.MAINTENANCE_HEALTH_EVERY),
                s.duration(ConfigKey.MAINTENANCE_QUICK_EVERY), s.duration(ConfigKey.MAINTENANCE_QUICK_BUDGET),
                s.duration(ConfigKey.MAINTENANCE_BATCH_TARGET), archive.isEmpty() ? s.dataDir().resolve("archive") : Path.of(archive),
                s.logDir(), s.integer(ConfigKey.MAINTENANCE_PARTITIONS_AHEAD), s.bytes(ConfigKey.STORAGE_QUOTA),
                s.percent(ConfigKey.ALERT_DEAD_ROWS_PERCENT), s.bytes(ConfigKey.ALERT_DEAD_ROWS_MIN_SIZE), s.instanceName(),
                s.duration(ConfigKey.MAINTENANCE_LEASE_TTL));
    }
}
