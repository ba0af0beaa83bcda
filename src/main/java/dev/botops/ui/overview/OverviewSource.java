package dev.botops.ui.overview;

import dev.botops.maintenance.RunRecord;
import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.MetricHistory.MetricSample;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the Overview reads from the running services. Every method may block (locks, I/O): the view model
 * calls them only through its task executor, and {@link #subscribe} delivers updates on service threads.
 */
public interface OverviewSource {
    /** Starts delivering an update after every snapshot and alert change; returns how to stop. */
    Runnable subscribe(Consumer<OverviewUpdate> listener);

    /** The update for the latest snapshot, if there is one yet. */
    Optional<OverviewUpdate> current();

    /** The monitor's in-memory snapshots, oldest first. */
    List<DatabaseSnapshot> recentSnapshots();

    /** Persisted samples between two instants, oldest first. */
    List<MetricSample> samples(Instant from, Instant to);

    Optional<RunRecord> lastMaintenanceRun();

    /** Whether demo data can be offered (sandbox bot, empty database) or is installed. */
    DemoState demoState();

    /** Loads the demo data and starts the simulated users. */
    void installDemo();

    /** Stops the simulated users and deletes the demo data; returns the number of rows deleted. */
    long removeDemo();

    /**
     * @param sandbox   the bot runs against the local sandbox (demo traffic possible)
     * @param installed demo data is loaded
     * @param empty     the bot has no users and no trades
     */
    record DemoState(boolean sandbox, boolean installed, boolean empty) {
        public boolean offer() {
            return sandbox && !installed && empty;
        }
    }
}
