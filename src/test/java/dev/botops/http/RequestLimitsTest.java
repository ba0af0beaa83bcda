package dev.botops.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.botops.config.SettingsLoader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each per-connection limit of {@link HttpLimits} holds against a client that tries to get past it: the endpoint
 * alone (no database), with short timeouts so that each test takes seconds. Every client loop is bounded in count
 * and time; every socket is closed at the end of its test.
 */
class RequestLimitsTest {
    private static final Duration SHORT = Duration.ofSeconds(1);
    /** Long enough for any busy machine to notice a closed connection, short enough to keep the suite quick. */
    private static final Duration NOTICE = Duration.ofSeconds(15);

    private final List<Socket> sockets = new ArrayList<>();
    private HttpEndpoint endpoint;

    private void start(Map<String, String> overrides) throws IOException {
        Map<String, String> settings = new HashMap<>(Map.of("http.threads", "2"));
        settings.putAll(overrides);
        HttpEndpoint.Routes routes = new HttpEndpoint.Routes();
        routes.add("/ping").on("GET", r -> Response.text(200, "text/plain", "pong"));
        routes.add("/echo").on("POST", r -> Response.text(200, "text/plain", r.body().length + " bytes"));
        endpoint = new HttpEndpoint(InetAddress.getLoopbackAddress(), 0, HttpLimits.of(SettingsLoader.fromProperties(settings)),
                routes.build(), new ObjectMapper());
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (endpoint != null) {
            endpoint.close();
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), endpoint.port());
        sockets.add(socket);
        socket.setTcpNoDelay(true);
        return socket;
    }

    @Test
    void headersTrickledAByteAtATimeAreCutAtTheHeaderTimeoutThoughBytesKeepComing() throws IOException {
        start(Map.of("http.header-timeout", "1s", "http.idle-timeout", "30s"));
        Socket socket = connect();
        socket.getOutputStream().write(ascii("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
        long start = System.nanoTime();

        Duration cutAfter = trickleUntilClosed(socket, ascii("X-Slow: " + "s".repeat(400) + "\r\n"));

        assertThat(cutAfter).as("cut while still trickling, after the 1 s header timeout, long before the 30 s idle timeout")
                .isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(NOTICE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(NOTICE);
    }

    @Test
    void aBodyTrickledAByteAtATimeIsCutAtTheBodyTimeout() throws IOException {
        start(Map.of("http.body-timeout", "1s", "http.idle-timeout", "30s"));
        Socket socket = connect();
        socket.getOutputStream().write(ascii("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"));

        Duration cutAfter = trickleUntilClosed(socket, ascii("x".repeat(400)));

        assertThat(cutAfter).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(NOTICE);
    }

    @Test
    void aRequestThatArrivesInTimeIsAnsweredAndTheConnectionStaysOpenForTheNext() throws IOException {
        start(Map.of("http.header-timeout", "1s", "http.body-timeout", "1s"));
        Socket socket = connect();
        InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        for (int i = 0; i < 3; i++) {
            out.write(ascii("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"));
            assertThat(HostileClients.readAnswer(in)).isEqualTo(200);
        }
        assertThat(socket.isClosed()).isFalse();
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        start(Map.of("http.idle-timeout", "1s"));
        Socket socket = connect();
        socket.getOutputStream().write(ascii("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        InputStream in = new BufferedInputStream(socket.getInputStream());
        assertThat(HostileClients.readAnswer(in)).isEqualTo(200);
        long idleSince = System.nanoTime();
        socket.setSoTimeout(Math.toIntExact(NOTICE.toMillis()));

        assertThat(in.read()).as("end of stream: the server closed the idle connection").isEqualTo(-1);
        assertThat(Duration.ofNanos(System.nanoTime() - idleSince)).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(NOTICE);
    }

    @Test
    void aRequestLineThatNeverEndsIsAnswered414AsSoonAsItPassesTheLimit() throws IOException {
        start(Map.of("http.max-header-size", "8KB"));
        String answer = sendUntilAnswered(ascii("GET /"), ascii("a".repeat(1024)));
        assertJsonError(answer, 414, "http.max-header-size");
    }

    @Test
    void headersThatNeverEndAreAnswered431AsSoonAsTheyPassTheLimit() throws IOException {
        start(Map.of("http.max-header-size", "8KB"));
        String answer = sendUntilAnswered(ascii("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n"), ascii("X-Filler: " + "b".repeat(1000) + "\r\n"));
        assertJsonError(answer, 431, "http.max-header-size");
    }

    @Test
    void aBodyDeclaredLargerThanTheLimitIsAnswered413BeforeAnyOfItIsSent() throws IOException {
        start(Map.of("http.max-body-size", "64KB"));
        Socket socket = connect();
        socket.setSoTimeout(Math.toIntExact(NOTICE.toMillis()));
        socket.getOutputStream().write(ascii("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 104857600\r\n\r\n"));

        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertJsonError(answer, 413, "64 KB");
        assertThat(answer).containsIgnoringCase("Connection: close");
    }

    @Test
    void aChunkedBodyThatGrowsPastTheLimitIsAnswered413() throws IOException {
        start(Map.of("http.max-body-size", "1KB"));
        Socket socket = connect();
        socket.setSoTimeout(Math.toIntExact(NOTICE.toMillis()));
        OutputStream out = socket.getOutputStream();
        out.write(ascii("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
        out.write(ascii("800\r\n" + "c".repeat(2048) + "\r\n"));

        assertJsonError(readHead(socket.getInputStream()), 413, "1 KB");
    }

    @Test
    void atTheConnectionLimitIdleConnectionsAreClosedSoonToMakeRoom() throws IOException {
        start(Map.of("http.max-connections", "16", "http.idle-timeout", "10m"));
        for (int i = 0; i < 16; i++) {
            Socket idle = connect();
            idle.getOutputStream().write(ascii("GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
            assertThat(HostileClients.readAnswer(new BufferedInputStream(idle.getInputStream()))).isEqualTo(200);
        }

        Probe probe = Probe.get(endpoint.port(), "/ping", NOTICE);

        assertThat(probe.status()).as("answered after idle ones were closed (%s)", probe.failure()).isEqualTo(200);
        assertThat(Duration.ofNanos(probe.nanos())).as("not after the 10 minutes idle timeout")
                .isLessThan(NOTICE);
    }

    /**
     * Sends one byte every 50 ms until the server closes the connection (or the bytes run out); returns how long
     * the trickle lasted. Bounded by the bytes given and {@link #NOTICE}.
     */
    private static Duration trickleUntilClosed(Socket socket, byte[] bytes) throws IOException {
        socket.setSoTimeout(50);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        long start = System.nanoTime();
        for (int i = 0; i < bytes.length && System.nanoTime() - start < NOTICE.toNanos(); i++) {
            try {
                out.write(bytes[i]);
                out.flush();
                if (in.read() < 0) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
            } catch (SocketTimeoutException stillOpen) {
                // nothing from the server yet: go on trickling
            } catch (IOException closed) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
        }
        throw new AssertionError("the server let the trickle go on for " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
    }

    /**
     * Sends {@code start}, then {@code filler} again and again (never the end of the request), until the server
     * answers; fails unless the answer comes before 1 MiB was sent. Returns the answer's status line and headers.
     */
    private String sendUntilAnswered(byte[] start, byte[] filler) throws IOException {
        Socket socket = connect();
        socket.setSoTimeout(Math.toIntExact(NOTICE.toMillis()));
        InputStream in = new BufferedInputStream(socket.getInputStream());
        OutputStream out = socket.getOutputStream();
        out.write(start);
        long sent = start.length;
        long began = System.nanoTime();
        try {
            while (in.available() == 0 && sent < 1024 * 1024 && System.nanoTime() - began < NOTICE.toNanos()) {
                out.write(filler);
                out.flush();
                sent += filler.length;
                socket.setSoTimeout(5);
                try {
                    in.mark(1);
                    if (in.read() >= 0) {
                        in.reset();
                    }
                } catch (SocketTimeoutException notYet) {
                    // no answer yet
                }
                socket.setSoTimeout(Math.toIntExact(NOTICE.toMillis()));
            }
        } catch (IOException refusedMidway) {
            // the server answered and stopped reading; its answer is in the socket's buffer
        }
        assertThat(sent).as("bytes sent before the server answered").isLessThan(1024 * 1024);
        return readHead(in);
    }

    /** The status line, headers and whatever body arrived before the connection closed. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        int n;
        try {
            while ((n = in.read(buffer)) > 0 && text.length() < 64 * 1024) {
                text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (IOException closedAfterTheAnswer) {
            // a reset after the answer: what arrived is enough
        }
        return text.toString();
    }

    private static void assertJsonError(String answer, int status, String mentioning) {
        assertThat(answer).startsWith("HTTP/1.1 " + status);
        assertThat(answer).contains("Content-Type: " + Response.JSON).contains("\"status\":" + status).contains(mentioning);
        assertThat(answer).doesNotContain("Exception").doesNotContain("<html");
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
