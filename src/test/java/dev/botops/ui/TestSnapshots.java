package dev.botops.ui;

import dev.botops.monitor.DatabaseSnapshot;
import dev.botops.monitor.DatabaseSnapshot.ConnectionLimit;
import dev.botops.monitor.DatabaseSnapshot.Connections;
import dev.botops.monitor.DatabaseSnapshot.Server;
import dev.botops.monitor.DatabaseSnapshot.Sessions;
import dev.botops.monitor.DatabaseSnapshot.Storage;
import dev.botops.monitor.DatabaseSnapshot.TableStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Synthetic snapshots for view-model tests: exactly the figures a test names, everything else quiet. */
public final class TestSnapshots {
    private Instant takenAt = Instant.parse("2026-11-27T12:00:00Z");
    private long databaseBytes = 50L << 20;
    private long quotaBytes = 10L << 30;
    private int active = 1;
    private int idle = 2;
    private int idleInTransaction;
    private int ours = 2;
    private int usable = 97;
    private final List<TableStats> tables = new ArrayList<>();

    public static TestSnapshots snapshot() {
        return new TestSnapshots();
    }

    public TestSnapshots at(Instant instant) {
        this.takenAt = instant;
        return this;
    }

    public TestSnapshots size(long bytes, long quota) {
        this.databaseBytes = bytes;
        this.quotaBytes = quota;
        return this;
    }

    public TestSnapshots connections(int activeCount, int idleCount, int idleInTx, int oursCount, int usableCount) {
        this.active = activeCount;
        this.idle = idleCount;
        this.idleInTransaction = idleInTx;
        this.ours = oursCount;
        this.usable = usableCount;
        return this;
    }

    public TestSnapshots table(String name, String partitionOf, long heap, long index, long toast, long live, long dead) {
        double deadPercent = live + dead == 0 ? 0 : 100.0 * dead / (live + dead);
        tables.add(new TableStats("public", name, "public." + name, partitionOf, heap + index + toast, heap, index, toast, live,
                live, dead, deadPercent, null, null, null, null, false, takenAt));
        return this;
    }

    public DatabaseSnapshot build() {
        ConnectionLimit limit = ConnectionLimit.of(usable + 3, 3, 0, -1, -1, 0);
        Connections connections = Connections.of(active + idle + idleInTransaction, active, idle, idleInTransaction, 0, ours, limit);
        Server server = new Server("17.0", 170000, "botops", takenAt.minus(Duration.ofDays(1)), Duration.ofDays(1), 1000);
        return new DatabaseSnapshot(takenAt, Duration.ofMillis(12), DatabaseSnapshot.State.OK, null, server,
                Storage.of(databaseBytes, quotaBytes), connections, new Sessions(null, null, List.of()), tables);
    }
}
