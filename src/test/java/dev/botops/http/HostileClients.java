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
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * Clients that hold an HTTP server's resources, on loopback only, for the tests and the benchmark. Each load opens
 * its connections when it starts and keeps them until {@link #close()}, which stops every thread it started and
 * closes every socket. Half-open requests and trickled bodies are held as a persistent attacker holds them: one
 * the server closes is opened again at once, so the load stays whole however the server defends itself.
 * Everything is bounded: a fixed number of connections, one thread that keeps them (and trickles), oversized
 * requests at a fixed pace for at most {@link #MAX_OVERSIZED_ROUNDS} rounds, and all of it stops at close.
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

        /** Whether a connection the server closes is opened again (an idle one would no longer be idle). */
        boolean reopens() {
            return this == HALF_OPEN || this == TRICKLED_BODY;
        }
    }

    static final int OVERSIZED_BYTES = 16 * 1024;
    static final int TRICKLED_BODY_BYTES = 4096;
    private static final int MAX_OVERSIZED_ROUNDS = 100_000;
    private static final Duration OVERSIZED_PACE = Duration.ofMillis(50);
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(2);
    private static final Duration TRICKLE_EVERY = Duration.ofSeconds(1);

    private final Kind kind;
    private final int port;
    private final Selector selector;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger closedByServer = new AtomicInteger();
    private final AtomicInteger reopened = new AtomicInteger();
    private final Map<String, AtomicInteger> answers = new ConcurrentHashMap<>();
    private final List<ExecutorService> threads = new ArrayList<>();
    private volatile boolean closed;

    private HostileClients(Kind kind, int port) throws IOException {
        this.kind = kind;
        this.port = port;
        this.selector = Selector.open();
    }

    /**
     * Starts {@code count} clients of this kind against 127.0.0.1:{@code port}: connections held open for the first
     * three kinds, client threads sending one oversized request after another for {@link Kind#OVERSIZED}.
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
        if (kind == Kind.OVERSIZED) {
            ExecutorService pool = Executors.newFixedThreadPool(count, Threads.numberedDaemons("hostile-oversized"));
            threads.add(pool);
            for (int i = 0; i < count; i++) {
                int client = i;
                pool.execute(() -> sendOversized(client));
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            hold();
        }
        ExecutorService keeper = Executors.newSingleThreadExecutor(Threads.daemon("hostile-keeper"));
        threads.add(keeper);
        keeper.execute(this::keep);
    }

    /** Opens one connection, sends what this kind sends, and registers it with the keeper's selector. */
    private void hold() throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            channel.socket().connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            channel.socket().setSoTimeout(Math.toIntExact(ANSWER_WAIT.toMillis()));
            String host = "Host: 127.0.0.1:" + port + "\r\n";
            switch (kind) {
                case HALF_OPEN -> write(channel, "GET /health HTTP/1.1\r\n" + host);
                case IDLE_KEEP_ALIVE -> {
                    write(channel, "GET /health HTTP/1.1\r\n" + host + "\r\n");
                    readAnswer(new BufferedInputStream(channel.socket().getInputStream()));
                }
                case TRICKLED_BODY -> write(channel, "POST /database/cleanup HTTP/1.1\r\n" + host
                        + "Content-Type: application/json\r\nContent-Length: " + TRICKLED_BODY_BYTES + "\r\n\r\n");
                default -> throw new IllegalStateException(kind.name());
            }
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, new int[1]);
            held.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void write(SocketChannel channel, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(ascii(text));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /**
     * The keeper: notices connections the server closed (and opens them again for {@link Kind#reopens()}), and
     * trickles a byte a second on each for {@link Kind#TRICKLED_BODY}. Runs until {@link #close()}.
     */
    private void keep() {
        ByteBuffer scratch = ByteBuffer.allocate(4096);
        long nextTrickle = System.nanoTime() + TRICKLE_EVERY.toNanos();
        while (!closed) {
            try {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    scratch.clear();
                    if (!key.isValid() || read((SocketChannel) key.channel(), scratch) < 0) {
                        lost(key);
                    }
                }
                selector.selectedKeys().clear();
                if (kind == Kind.TRICKLED_BODY && System.nanoTime() - nextTrickle >= 0) {
                    nextTrickle += TRICKLE_EVERY.toNanos();
                    for (SelectionKey key : List.copyOf(selector.keys())) {
                        trickle(key);
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    answers.computeIfAbsent("keeper failed: " + e, k -> new AtomicInteger()).incrementAndGet();
                }
                return;
            }
        }
    }

    private static int read(SocketChannel channel, ByteBuffer scratch) {
        try {
            return channel.read(scratch);
        } catch (IOException reset) {
            return -1;
        }
    }

    private void trickle(SelectionKey key) throws IOException {
        int[] sent = (int[]) key.attachment();
        if (!key.isValid() || sent[0] >= TRICKLED_BODY_BYTES) {
            return;
        }
        try {
            ((SocketChannel) key.channel()).write(ByteBuffer.wrap(new byte[] {'x'}));
            sent[0]++;
        } catch (IOException closedByPeer) {
            lost(key);
        }
    }

    /** The server closed this connection: counted, and opened again when this kind does. */
    private void lost(SelectionKey key) throws IOException {
        key.cancel();
        key.channel().close();
        held.decrementAndGet();
        closedByServer.incrementAndGet();
        if (kind.reopens() && !closed) {
            hold();
            reopened.incrementAndGet();
        }
    }

    /** One oversized request after another, alternating a request line and a header that never end. */
    private void sendOversized(int client) {
        byte[] line = ascii("GET /" + "a".repeat(OVERSIZED_BYTES) + " HTTP/1.1\r\n");
        byte[] header = ascii("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-Padding: " + "b".repeat(OVERSIZED_BYTES) + "\r\n");
        long next = System.nanoTime();
        for (int round = client; round < MAX_OVERSIZED_ROUNDS && !closed; round++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
                socket.setSoTimeout(Math.toIntExact(ANSWER_WAIT.toMillis()));
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

    /** Connections held open right now. */
    int held() {
        return held.get();
    }

    /** For {@link Kind#OVERSIZED}: how the server answered, e.g. {@code {414=40, 431=40}}. */
    Map<String, Integer> answers() {
        return answers.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
    }

    /** What the server did to these clients so far, e.g. {@code 256 held; the server closed 256 (all reopened)}. */
    String describe() {
        if (kind == Kind.OVERSIZED) {
            return "answers " + new java.util.TreeMap<>(answers());
        }
        return held() + " held; the server closed " + closedByServer.get() + (kind.reopens() ? " (each opened again at once)" : "")
                + (answers.isEmpty() ? "" : "; " + answers.keySet());
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        for (ExecutorService pool : threads) {
            if (!Threads.shutdownNow(pool, Duration.ofSeconds(10), "Hostile clients")) {
                throw new IllegalStateException("hostile client threads did not stop");
            }
        }
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            selector.close();
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
