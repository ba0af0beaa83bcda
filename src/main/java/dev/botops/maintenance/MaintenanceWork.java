package dev.botops.maintenance;

import dev.botops.db.Work;
import java.time.Duration;

/** The bounds maintenance statements run under; short lock timeouts so the bot never waits on cleanup. */
final class MaintenanceWork {
    /**
     * One cleanup batch: a few tens of milliseconds by design; the timeouts catch the pathological case. Its statements
     * name the table schema-qualified; the role's own search path lets the operator's triggers find what they name.
     */
    static final Work BATCH = new Work("cleanup", Duration.ofSeconds(15), Duration.ofSeconds(1)).onOperatorTables();
    /** Creating, attaching, detaching and dropping partitions: brief strong locks, given up quickly. */
    static final Work PARTITIONS = new Work("partitions", Duration.ofSeconds(30), Duration.ofSeconds(1));
    /** Streaming a detached partition into the archive. */
    static final Work ARCHIVE = new Work("archive", Duration.ofHours(1), Duration.ofSeconds(1));

    private MaintenanceWork() {
    }
}
