package dev.botops.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.botops.concurrent.Threads;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Clients that hold an HTTP server's resources, on loopback only, for the tests and the benchmark. Each load opens
 * its sockets when it starts and keeps them until {@link #close()}, which stops every thread it started and closes
 * every socket. Everything is bounded: a fixed number of sockets, trickling that stops at close (or after the
 * declared body), and oversized requests at a fixed pace for at most {@link #MAX_OVERSIZED_ROUNDS} rounds.
 */
final class HostileClients implements AutoCloseable {
    /** What the clients do. */
    enum Kind {
        /** The request line and one header, then nothing: the request is never finished. */
        HALF_OPEN("half-open requests"),
        /** One complete request and its answer read, then silence on a keep-alive connection. */
        IDLE_KEEP_ALIVE("idle keep-alive connections"),
        /** A POST whose headers promise a body that then comes one byte a second. */
        TRICKLED_BODY("bodies trickled a byte per second"),
        /** Request lines and headers of 16 KiB, never finished, one after another on new connections, each answer read. */
        OVERSIZED("oversized request lines and headers, one client after another");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    static final int OVERSIZED_BYTES = 16 * 1024;
    static final int TRICKLED_BODY_BYTES = 4096;
    private static final int MAX_OVERSIZED_ROUNDS = 100_000;
    private static final Duration OVERSIZED_PACE = Duration.ofMillis(50);
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(2);

    private final Kind kind;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger cutByServer = new AtomicInteger();
    private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    private final List<ExecutorService> threads = new ArrayList<>();
    private volatile boolean closed;

    private HostileClients(Kind kind, int port) {
        this.kind = kind;
        this.port = port;
    }

    /**
     * Starts {@code count} clients of this kind against 127.0.0.1:{@code port}: sockets held open for the first three
     * kinds, client threads sending one oversized request after another for {@link Kind#OVERSIZED}.
     */
    static HostileClients start(Kind kind, int port, int count) throws IOException {
        HostileClients clients = new HostileClients(kind, port);
        try {
            clients.open(count);
        } catch (IOException | RuntimeException e) {
            clients.close();
            throw e;
        }
        return clients;
    }

    private void open(int count) throws IOException {
        switch (kind) {
            case HALF_OPEN -> {
                for (int i = 0; i < count; i++) {
                    connect().getOutputStream().write(ascii("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"));
                }
            }
            case IDLE_KEEP_ALIVE -> {
                for (int i = 0; i < count; i++) {
                    Socket socket = connect();
                    socket.getOutputStream().write(ascii("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n"));
                    readAnswer(new BufferedInputStream(socket.getInputStream()));
                }
            }
            case TRICKLED_BODY -> {
                for (int i = 0; i < count; i++) {
                    connect().getOutputStream().write(ascii("POST /database/cleanup HTTP/1.1\r\nHost: 127.0.0.1:" + port
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + TRICKLED_BODY_BYTES + "\r\n\r\n"));
                }
                ScheduledExecutorService trickler = Executors.newSingleThreadScheduledExecutor(Threads.daemon("hostile-trickle"));
                threads.add(trickler);
                AtomicInteger sent = new AtomicInteger();
                trickler.scheduleAtFixedRate(() -> trickle(sent), 1, 1, TimeUnit.SECONDS);
            }
            case OVERSIZED -> {
                ExecutorService pool = Executors.newFixedThreadPool(count, Threads.numberedDaemons("hostile-oversized"));
                threads.add(pool);
                for (int i = 0; i < count; i++) {
                    int client = i;
                    pool.execute(() -> sendOversized(client));
                }
            }
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(Math.toIntExact(ANSWER_WAIT.toMillis()));
            return socket;
        } catch (IOException e) {
            sockets.remove(socket);
            closeQuietly(socket);
            throw e;
        }
    }

    private void trickle(AtomicInteger sent) {
        if (closed || sent.incrementAndGet() > TRICKLED_BODY_BYTES) {
            return;
        }
        for (Socket socket : sockets) {
            try {
                socket.getOutputStream().write('x');
            } catch (IOException e) {
                sockets.remove(socket);
                cutByServer.incrementAndGet();
                closeQuietly(socket);
            }
        }
    }

    /** One oversized request after another, alternating a request line and a header that never end. */
    private void sendOversized(int client) {
        byte[] line = ascii("GET /" + "a".repeat(OVERSIZED_BYTES) + " HTTP/1.1\r\n");
        byte[] header = ascii("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-Padding: " + "b".repeat(OVERSIZED_BYTES) + "\r\n");
        long next = System.nanoTime();
        for (int round = client; round < MAX_OVERSIZED_ROUNDS && !closed; round++) {
            try (Socket socket = connect()) {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write(round % 2 == 0 ? line : header);
                    out.flush();
                } catch (IOException refusedMidway) {
                    // The server may answer and close before it has read all of it: its answer is read below.
                }
                record(statusOf(socket));
            } catch (IOException e) {
                record("no connection");
            } finally {
                sockets.removeIf(Socket::isClosed);
            }
            next += OVERSIZED_PACE.toNanos();
            long wait;
            while (!closed && (wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private static String statusOf(Socket socket) {
        try {
            String status = Probe.readLine(new BufferedInputStream(socket.getInputStream()));
            return status.length() >= 12 ? status.substring(9, 12) : "malformed answer";
        } catch (java.net.SocketTimeoutException e) {
            return "no answer within " + ANSWER_WAIT.toSeconds() + " s";
        } catch (IOException e) {
            return "closed without an answer";
        }
    }

    private void record(String answer) {
        answers.computeIfAbsent(answer, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Reads one answer with a Content-Length; returns its status. */
    static int readAnswer(InputStream in) throws IOException {
        String status = Probe.readLine(in);
        long length = 0;
        for (String header = Probe.readLine(in); !header.isEmpty(); header = Probe.readLine(in)) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(header.substring(colon + 1).trim());
            }
        }
        for (long skipped = 0; skipped < length; skipped++) {
            if (in.read() < 0) {
                throw new IOException("closed mid-body");
            }
        }
        return Integer.parseInt(status.substring(9, 12));
    }

    Kind kind() {
        return kind;
    }

    /** Sockets the server closed while trickling. */
    int cutByServer() {
        return cutByServer.get();
    }

    /** For {@link Kind#OVERSIZED}: how the server answered, e.g. {@code {414=40, 431=40}}. */
    Map<String, Integer> answers() {
        return answers.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
    }

    /** What the server did to these clients so far, e.g. {@code 256 held, 0 closed by the server}. */
    String describe() {
        if (kind == Kind.OVERSIZED) {
            return "answers " + new java.util.TreeMap<>(answers());
        }
        int open = held();
        return open + " held, " + (cutByServer() + sockets.size() - open) + " closed by the server";
    }

    /** Sockets still open: the server has not closed them. */
    int held() {
        int open = 0;
        for (Socket socket : sockets) {
            if (isOpen(socket)) {
                open++;
            }
        }
        return open;
    }

    /** Open unless the server closed it: a read that times out at once means it is still open. */
    private static boolean isOpen(Socket socket) {
        try {
            socket.setSoTimeout(1);
            return socket.getInputStream().read() >= 0;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return true;
        } catch (IOException closed) {
            return false;
        } finally {
            try {
                socket.setSoTimeout(Math.toIntExact(ANSWER_WAIT.toMillis()));
            } catch (IOException ignored) {
                // closed meanwhile
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (ExecutorService pool : threads) {
            if (!Threads.shutdownNow(pool, Duration.ofSeconds(10), "Hostile clients")) {
                throw new IllegalStateException("hostile client threads did not stop");
            }
        }
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Fails early, with what to do, when this process may not open {@code sockets} more files: a test that hits the
     * limit half-way fails somewhere else, for a reason that is hard to see.
     */
    static void requireFileDescriptors(int sockets) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            long free = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount();
            assertThat(free).as(String.format(Locale.ROOT, "free file descriptors for %d sockets (open %d of %d; raise ulimit -n)",
                    sockets, unix.getOpenFileDescriptorCount(), unix.getMaxFileDescriptorCount())).isGreaterThan(sockets + 256L);
        }
    }
}
