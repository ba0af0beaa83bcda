package dev.botops.http;

import dev.botops.concurrent.Threads;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A lean HTTP/1.1 load client for the benchmark, on 127.0.0.1 only: pre-built GET requests on keep-alive
 * sockets, so that the client spends as little of the shared 2 cores as possible. Every run is bounded in
 * requests and time and stops by itself. A request that is not answered within {@link #REQUEST_TIMEOUT}, or whose
 * connection fails, counts as an error and its connection is opened again: a server that stalls shows as errors,
 * not as a benchmark that never ends.
 */
final class LoopbackLoad {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** A failed request, or one never sent because the run's time was up: sorts after every real latency. */
    static final long FAILED = Long.MAX_VALUE;

    private LoopbackLoad() {
    }

    /**
     * What a run measured, in nanoseconds, sorted.
     *
     * @param latencies from when each request was due (open loop) or sent (closed loop) to its whole answer
     * @param service   from when each request was actually written to its whole answer: without the client's
     *                  own lateness (a thread of the load client that got the CPU late)
     */
    record Result(int requests, int errors, double seconds, long[] latencies, long[] service) {
        double perSecond() {
            return requests / seconds;
        }

        double percentileMillis(double p) {
            return percentile(latencies, p);
        }

        double servicePercentileMillis(double p) {
            return percentile(service, p);
        }

        /** In milliseconds; {@code +Infinity} when the percentile falls among failed requests. */
        private static double percentile(long[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
            long value = sorted[Math.max(0, index)];
            return value == FAILED ? Double.POSITIVE_INFINITY : value / 1e6;
        }
    }

    /** Closed loop: {@code connections} clients send back to back for {@code seconds}; the rate the server sustains. */
    static Result saturate(int port, String path, int connections, double seconds) throws Exception {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        return run(port, path, connections, start, (index, connection) -> {
            Samples samples = new Samples(1 << 20);
            while (System.nanoTime() < end && !samples.full()) {
                long sent = System.nanoTime();
                int status = connection.exchange();
                long done = System.nanoTime();
                samples.add(status < 0 ? FAILED : done - sent, status < 0 ? FAILED : done - sent, status);
            }
            return samples;
        });
    }

    /**
     * Open loop: {@code rate} requests per second for {@code seconds}, each due at its own time and spread over
     * {@code connections} keep-alive sockets. Latency counts from when a request was due, so a slow answer that
     * delays the next request on its socket shows in that one's latency too (no coordinated omission).
     */
    static Result openLoop(int port, String path, int rate, int connections, double seconds) throws Exception {
        int total = (int) (rate * seconds);
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + 50_000_000L;
        // A stalling server delays every request behind the stalled one; after this, the rest count as failed.
        long hardEnd = start + (long) (seconds * 1e9) + 2 * REQUEST_TIMEOUT.toNanos();
        return run(port, path, connections, start, (index, connection) -> {
            Samples samples = new Samples((total + connections - 1) / connections);
            for (int i = index; i < total; i += connections) {
                long due = start + i * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (System.nanoTime() > hardEnd) {
                    samples.add(FAILED, FAILED, -1);
                    continue;
                }
                long sent = System.nanoTime();
                int status = connection.exchange();
                long done = System.nanoTime();
                samples.add(status < 0 ? FAILED : done - due, status < 0 ? FAILED : done - sent, status);
            }
            return samples;
        });
    }

    /** What one client thread does on its connection. */
    @FunctionalInterface
    private interface ClientLoop {
        Samples run(int index, Connection connection) throws IOException;
    }

    /** One thread and one keep-alive connection per client, all bounded by their loops; waits for them all. */
    private static Result run(int port, String path, int connections, long start, ClientLoop loop) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections, Threads.numberedDaemons("load-client"));
        try {
            List<Future<Samples>> parts = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int index = c;
                parts.add(pool.submit(() -> {
                    try (Connection connection = new Connection(port, path)) {
                        return loop.run(index, connection);
                    }
                }));
            }
            return collect(parts, start);
        } finally {
            stop(pool);
        }
    }

    private static Result collect(List<Future<Samples>> parts, long start) throws Exception {
        List<Samples> all = new ArrayList<>();
        for (Future<Samples> part : parts) {
            all.add(part.get(10, TimeUnit.MINUTES));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int count = all.stream().mapToInt(p -> p.count).sum();
        long[] latencies = new long[count];
        long[] service = new long[count];
        int errors = 0;
        int at = 0;
        for (Samples p : all) {
            System.arraycopy(p.latencies, 0, latencies, at, p.count);
            System.arraycopy(p.service, 0, service, at, p.count);
            at += p.count;
            errors += p.errors;
        }
        Arrays.sort(latencies);
        Arrays.sort(service);
        return new Result(count, errors, seconds, latencies, service);
    }

    /** One client thread's measurements. */
    private static final class Samples {
        final long[] latencies;
        final long[] service;
        int count;
        int errors;

        Samples(int capacity) {
            latencies = new long[capacity];
            service = new long[capacity];
        }

        boolean full() {
            return count == latencies.length;
        }

        /** {@code status} -1: failed (no answer in time, or the connection failed). */
        void add(long latency, long serviceTime, int status) {
            latencies[count] = latency;
            service[count] = serviceTime;
            count++;
            if (status >= 500 || status < 0) {
                errors++;
            }
        }
    }

    private static void stop(ExecutorService pool) {
        if (!Threads.shutdownNow(pool, Duration.ofSeconds(30), "Load client threads")) {
            throw new IllegalStateException("load client threads did not stop");
        }
    }

    /** One keep-alive connection sending the same GET again and again; opened again after a failure. */
    private static final class Connection implements Closeable {
        private final int port;
        private final byte[] request;
        private final byte[] skip = new byte[64 * 1024];
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Connection(int port, String path) {
            this.port = port;
            request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        /** Sends the request and reads the whole response; returns the status code, or -1 when it failed. */
        int exchange() {
            try {
                if (socket == null) {
                    open();
                }
                return send();
            } catch (IOException | RuntimeException e) {
                close();
                return -1;
            }
        }

        private void open() throws IOException {
            socket = new Socket();
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), Math.toIntExact(REQUEST_TIMEOUT.toMillis()));
            socket.setSoTimeout(Math.toIntExact(REQUEST_TIMEOUT.toMillis()));
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
            out = socket.getOutputStream();
        }

        private int send() throws IOException {
            long deadline = System.nanoTime() + REQUEST_TIMEOUT.toNanos();
            out.write(request);
            out.flush();
            String status = line();
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                if (header.substring(0, colon).equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(header.substring(colon + 1).trim());
                }
            }
            if (length < 0) {
                throw new IOException("the benchmark client needs Content-Length");
            }
            while (length > 0) {
                int n = in.read(skip, 0, (int) Math.min(skip.length, length));
                if (n < 0) {
                    throw new IOException("connection closed mid-body");
                }
                length -= n;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("answered after " + REQUEST_TIMEOUT);
            }
            return code;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        @Override
        public void close() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                socket = null;
            }
        }
    }
}
