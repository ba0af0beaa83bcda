package dev.botops.ui.overview;

import dev.botops.monitor.Alert;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.Forecast;
import dev.botops.ui.bot.BotSnapshot;
import java.util.List;
import java.util.Optional;

/**
 * Everything the Overview shows live, read together off the FX thread (the services' getters may wait on
 * their locks) and handed to it as one immutable value.
 *
 * @param bot          the bot wherever it runs, as the Bot screen shows it
 * @param activeAlerts most severe first
 */
public record OverviewUpdate(DatabaseSnapshot snapshot, Optional<Forecast> forecast, BotSnapshot bot,
                             List<Alert> activeAlerts) {
    public OverviewUpdate {
        activeAlerts = List.copyOf(activeAlerts);
    }
}
