package dev.botops.http;

import dev.botops.bot.BotService;
import dev.botops.maintenance.MaintenanceService;
import dev.botops.monitor.AlertService;
import dev.botops.monitor.MonitorService;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The running services the endpoint reads. Only their cached, in-memory state is read per request; the
 * maintenance run log is the one database read, and it goes through {@link RecentRuns}.
 *
 * @param bot        the bot once it runs in this process (it may start after the endpoint)
 * @param botEnabled {@code bot.enabled}: tells "disabled" from "not started yet"
 * @param database   where the app is connected, password masked
 */
public record HealthSources(MonitorService monitor, AlertService alerts, MaintenanceService maintenance,
                            Supplier<Optional<BotService>> bot, boolean botEnabled, String database, String schemaVersion) {

    CachedState read(Instant now, Duration staleAfter) {
        return new CachedState(now, staleAfter, monitor.latest().orElse(null), monitor.lastReachable().orElse(null),
                monitor.forecast().orElse(null), alerts.active(),
                bot.get().map(BotService::status).orElse(null), botEnabled, maintenance.schedulerState(),
                maintenance.activeRunId().orElse(null));
    }
}
