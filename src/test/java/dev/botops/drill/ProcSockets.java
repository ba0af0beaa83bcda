package dev.botops.drill;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which local process owns a TCP connection, read from Linux's {@code /proc}: {@code pg_stat_activity} gives
 * each backend's client port, {@code /proc/net/tcp} maps that port to a socket inode, and a process's
 * {@code /proc/<pid>/fd} links name the socket inodes it holds. That attributes every backend to its app
 * instance (host:pid), whatever {@code application_name} it set.
 */
final class ProcSockets {
    private ProcSockets() {
    }

    static boolean available() {
        return Files.isReadable(Path.of("/proc/net/tcp"));
    }

    /** Socket inodes of connections to {@code remotePort}, by their local port. */
    static Map<Integer, Long> inodesByLocalPort(int remotePort) {
        Map<Integer, Long> result = new HashMap<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII);
            } catch (IOException e) {
                continue;
            }
            for (int i = 1; i < lines.size(); i++) {
                String[] fields = lines.get(i).trim().split("\\s+");
                if (fields.length < 10 || port(fields[2]) != remotePort) {
                    continue;
                }
                long inode = Long.parseLong(fields[9]);
                if (inode != 0) {
                    result.put(port(fields[1]), inode);
                }
            }
        }
        return result;
    }

    /** The socket inodes a process holds open; empty when it is gone. */
    static Set<Long> socketInodes(long pid) {
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (NoSuchFileException e) {
                    // closed while listing
                }
            }
        } catch (IOException e) {
            return Set.of();
        }
        return inodes;
    }

    private static int port(String hexAddress) {
        return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
    }
}
