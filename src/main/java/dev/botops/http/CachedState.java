package dev.botops.http;

import dev.botops.bot.BotStatus;
import dev.botops.maintenance.SchedulerState;
import dev.botops.monitor.Alert;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.Forecast;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything the endpoint shows, read at one moment from the services' in-memory state: no field of it
 * cost a database round trip.
 *
 * @param latest        the monitor's latest snapshot, {@code null} before the first
 * @param lastReachable the latest snapshot that could be taken: the last known figures while the database is down
 * @param forecast    {@code null} until the monitor made one
 * @param bot         {@code null} when the bot does not run in this process
 * @param activeRunId the maintenance run executing in this instance, or {@code null}
 */
record CachedState(Instant now, Duration staleAfter, DatabaseSnapshot latest, DatabaseSnapshot lastReachable, Forecast forecast, List<Alert> alerts,
                   BotStatus bot, boolean botEnabled, SchedulerState scheduler, Long activeRunId) {

    CachedState {
        alerts = List.copyOf(alerts);
    }

    /** The latest snapshot when it is reachable and fresh: the one whose figures may be shown as current. */
    DatabaseSnapshot current() {
        return latest != null && latest.reachable() && !stale() ? latest : null;
    }

    /** The figures to show: the latest snapshot's, or the last known ones while the database cannot be read; may be {@code null}. */
    DatabaseSnapshot figures() {
        return latest != null && latest.reachable() ? latest : lastReachable;
    }

    boolean stale() {
        return latest != null && snapshotAge().compareTo(staleAfter) > 0;
    }

    Duration snapshotAge() {
        return latest == null ? null : Duration.between(latest.takenAt(), now);
    }

    /** The bot's state as one word: its {@code BotState}, or DISABLED / NOT_STARTED when it does not run here. */
    String botState() {
        if (bot != null) {
            return bot.state().name();
        }
        return botEnabled ? "NOT_STARTED" : "DISABLED";
    }

    /** RUNNING, PAUSED or STOPPED (an instance on standby for the bot lease does not run the schedule). */
    String schedulerState() {
        if (!scheduler.running()) {
            return "STOPPED";
        }
        return scheduler.paused() ? "PAUSED" : "RUNNING";
    }
}
