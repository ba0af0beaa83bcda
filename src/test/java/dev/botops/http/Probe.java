package dev.botops.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A well-behaved client as an external monitor is one: a new loopback connection per request, the whole request at
 * once, the whole answer read, {@code Connection: close}. Never throws for the server's misbehaviour: a request that
 * fails or exceeds its timeout comes back with status -1.
 */
record Probe(String path, int status, long nanos, String failure) {

    boolean answered() {
        return status > 0;
    }

    double millis() {
        return nanos / 1e6;
    }

    static Probe get(int port, String path, Duration timeout) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            int timeoutMillis = Math.toIntExact(timeout.toMillis());
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: */*\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String statusLine = readLine(in);
            int status = Integer.parseInt(statusLine.substring(9, 12));
            byte[] rest = new byte[8192];
            long deadline = start + timeout.toNanos();
            while (in.read(rest) >= 0) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("answer not complete within " + timeout);
                }
            }
            return new Probe(path, status, System.nanoTime() - start, null);
        } catch (IOException | RuntimeException e) {
            return new Probe(path, -1, System.nanoTime() - start, e.toString());
        }
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed before the end of a line");
            }
            if (b != '\r') {
                line.append((char) b);
            }
            if (line.length() > 8192) {
                throw new IOException("line too long");
            }
        }
        return line.toString();
    }
}
