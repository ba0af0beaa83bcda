package dev.botops.drill;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Samples {@code pg_stat_activity} several times a second from outside the app and attributes every backend
 * of the app's role to the instance (host:pid) whose socket it is, so that each instance's pool can be held
 * to its own cap. Also counts the other client's connections and all client backends, to show saturation.
 */
final class ConnectionSampler implements AutoCloseable {
    static final Duration EVERY = Duration.ofMillis(150);

    /** One look at the server: the app's backends per instance, those no live instance owns, the hog's, all. */
    record Sample(long atNanos, Map<String, Integer> perInstance, int unattributed, int hog, int clientBackends) {
        int of(String instance) {
            return perInstance.getOrDefault(instance, 0);
        }
    }

    private final AdminConnection admin;
    private final int pgPort;
    private final Map<String, Long> instances = new ConcurrentHashMap<>();
    private final Map<Integer, String> ownerByPort = new HashMap<>();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Periodic periodic;
    private volatile int failedSamples;

    ConnectionSampler(AdminConnection admin, int pgPort) {
        this.admin = admin;
        this.pgPort = pgPort;
        this.periodic = Periodic.start("drill-connections", EVERY, this::sample);
    }

    /** From now on, backends whose socket belongs to this process count as the instance's. */
    void watch(String instance, long pid) {
        instances.put(instance, pid);
    }

    private void sample() {
        long at = System.nanoTime();
        List<Integer> appPorts = new ArrayList<>();
        int[] hogAndAll = new int[2];
        try {
            admin.query(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT usename, client_port FROM pg_stat_activity "
                        + "WHERE backend_type = 'client backend'"); ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        hogAndAll[1]++;
                        String user = rs.getString(1);
                        if (DrillPostgres.APP_ROLE.equals(user)) {
                            appPorts.add(rs.getInt(2));
                        } else if (DrillPostgres.HOG_ROLE.equals(user)) {
                            hogAndAll[0]++;
                        }
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            failedSamples++;
            return;
        }
        Map<String, Integer> perInstance = new LinkedHashMap<>();
        int unattributed = 0;
        synchronized (ownerByPort) {
            ownerByPort.keySet().retainAll(appPorts);
            if (!ownerByPort.keySet().containsAll(appPorts)) {
                resolveOwners();
            }
            for (int port : appPorts) {
                String owner = ownerByPort.get(port);
                if (owner == null) {
                    unattributed++;
                } else {
                    perInstance.merge(owner, 1, Integer::sum);
                }
            }
        }
        samples.add(new Sample(at, Map.copyOf(perInstance), unattributed, hogAndAll[0], hogAndAll[1]));
    }

    private void resolveOwners() {
        Map<Integer, Long> inodes = ProcSockets.inodesByLocalPort(pgPort);
        Map<Long, String> ownerByInode = new HashMap<>();
        instances.forEach((instance, pid) -> {
            Set<Long> held = ProcSockets.socketInodes(pid);
            held.forEach(inode -> ownerByInode.put(inode, instance));
        });
        inodes.forEach((port, inode) -> {
            String owner = ownerByInode.get(inode);
            if (owner != null) {
                ownerByPort.put(port, owner);
            }
        });
    }

    List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** Samples taken between two moments (System.nanoTime). */
    List<Sample> between(long fromNanos, long toNanos) {
        List<Sample> result = new ArrayList<>();
        for (Sample s : samples) {
            if (s.atNanos() >= fromNanos && s.atNanos() <= toNanos) {
                result.add(s);
            }
        }
        return result;
    }

    int failedSamples() {
        return failedSamples;
    }

    @Override
    public void close() {
        periodic.close();
    }
}
