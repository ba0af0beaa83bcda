package dev.botops.ui.tables;

import dev.botops.maintenance.VacuumReport;
import dev.botops.monitor.DatabaseSnapshot;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** What the Tables screen reads and does; every method may block briefly, so it runs through the task executor. */
public interface TablesSource {
    /** Delivers every snapshot (on the monitor's thread); returns how to stop. */
    Runnable subscribe(Consumer<DatabaseSnapshot> listener);

    Optional<DatabaseSnapshot> latest();

    /** The retention policy of a table in a few words ("30 d, partition drop"), by {@code schema.name}. */
    String retention(String table, String partitionOf);

    /**
     * Starts VACUUM (ANALYZE) of one table through maintenance; the stage completes with its report when the run
     * ends, or fails with the reason it did not start or ended without one. Nothing waits for it meanwhile.
     */
    CompletionStage<VacuumReport> vacuum(String qualifiedName);

    /** Asks the monitor for a fresh snapshot (after a VACUUM changed the figures). */
    void refresh();
}
