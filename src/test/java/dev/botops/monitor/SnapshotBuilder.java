package dev.botops.monitor;

import dev.botops.monitor.DatabaseSnapshot.ConnectionLimit;
import dev.botops.monitor.DatabaseSnapshot.Connections;
import dev.botops.monitor.DatabaseSnapshot.Server;
import dev.botops.monitor.DatabaseSnapshot.Session;
import dev.botops.monitor.DatabaseSnapshot.Sessions;
import dev.botops.monitor.DatabaseSnapshot.Storage;
import dev.botops.monitor.DatabaseSnapshot.TableStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Synthetic reachable snapshots with exactly the figures a rule test needs; everything else is healthy. */
final class SnapshotBuilder {
    static final long QUOTA = 1_000_000_000L;

    private Instant takenAt = Instant.parse("2025-01-15T12:00:00Z");
    private long quota = QUOTA;
    private long databaseBytes = QUOTA / 10;
    private int connections = 10;
    private int usableConnections = 100;
    private long xidAge = 1_000;
    private Session longestQuery;
    private final List<Session> idleInTransaction = new ArrayList<>();
    private final List<TableStats> tables = new ArrayList<>();

    static SnapshotBuilder snapshot() {
        return new SnapshotBuilder();
    }

    SnapshotBuilder takenAt(Instant at) {
        this.takenAt = at;
        return this;
    }

    SnapshotBuilder storagePercent(double percent) {
        this.quota = QUOTA;
        this.databaseBytes = Math.round(QUOTA * percent / 100);
        return this;
    }

    SnapshotBuilder databaseBytes(long bytes, long quotaBytes) {
        this.databaseBytes = bytes;
        this.quota = quotaBytes;
        return this;
    }

    SnapshotBuilder connections(int inUse, int usable) {
        this.connections = inUse;
        this.usableConnections = usable;
        return this;
    }

    SnapshotBuilder xidAge(long age) {
        this.xidAge = age;
        return this;
    }

    SnapshotBuilder longestQuery(int pid, Duration age) {
        this.longestQuery = new Session(pid, "bob", "report-job", "active", age, age, age, "SELECT ?");
        return this;
    }

    SnapshotBuilder idleInTransaction(int pid, Duration idleFor) {
        idleInTransaction.add(new Session(pid, "bob", "psql", "idle in transaction", idleFor, idleFor, idleFor, "UPDATE t SET x = ?"));
        return this;
    }

    SnapshotBuilder table(String name, long totalBytes, long liveRows, long deadRows) {
        double deadPercent = liveRows + deadRows == 0 ? 0 : 100.0 * deadRows / (liveRows + deadRows);
        tables.add(new TableStats("public", name, "public." + name, null, totalBytes, totalBytes, 0, 0, liveRows, liveRows,
                deadRows, deadPercent, null, null, null, null, false, takenAt));
        return this;
    }

    DatabaseSnapshot build() {
        Instant now = takenAt;
        ConnectionLimit limit = ConnectionLimit.of(usableConnections, 0, 0, -1, -1, 0);
        Connections c = Connections.of(connections, connections, 0, 0, 0, 2, limit);
        return new DatabaseSnapshot(now, Duration.ofMillis(3), DatabaseSnapshot.State.OK, null,
                new Server("17.6", 170006, "botops", now.minus(Duration.ofDays(2)), Duration.ofDays(2), xidAge),
                Storage.of(databaseBytes, quota), c,
                new Sessions(longestQuery, longestQuery, idleInTransaction), tables);
    }
}
