package dev.botops.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 5, acceptance 6: safe to leave running: loopback only by default, no DNS rebinding, no timing leak of the token. */
class ExposureTest {
    private static final String TOKEN = "Kq3vX9zT2mW8pL5nR7cY4bH6jD1fG0sA";

    /** http.bind is left at its default. */
    @RegisterExtension
    static final AppPerClass app = new AppPerClass(TOKEN);

    @Test
    void byDefaultItListensOn127001OnlyAndIsNotReachableOnOtherInterfaces() throws IOException {
        assertThat(app.endpoint().url()).startsWith("http://127.0.0.1:");
        List<InetAddress> others = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (!address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    others.add(address);
                }
            }
        }
        for (InetAddress address : others) {
            boolean connected;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, app.endpoint().port()), 500);
                connected = true;
            } catch (IOException refused) {
                connected = false;
            }
            assertThat(connected).as("reachable on %s", address).isFalse();
        }
    }

    @Test
    void aRequestWithAForeignHostHeaderIsRefused() throws IOException {
        // java.net.http sets Host itself, so this one speaks HTTP/1.1 by hand, as a DNS-rebinding page's browser would.
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), app.endpoint().port())) {
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: rebind.attacker.example:5000\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 403").contains("rebind.attacker.example").doesNotContain("\"database\"");
        }
    }

    /**
     * A property, not a timing target: with the token compared in constant time, a wrong token that shares no
     * prefix with the real one and a nearly right one (only the last character differs) are rejected in the same
     * time, within the noise of loopback HTTP. Both are sent alternately, so drift in the machine's load hits both.
     */
    @Test
    void aWrongTokenTakesAsLongToRejectAsANearlyRightOne() {
        String nearlyRight = TOKEN.substring(0, TOKEN.length() - 1) + "B";
        String wrong = "x" + "0".repeat(TOKEN.length() - 1);
        for (int i = 0; i < 200; i++) {
            reject(wrong);
            reject(nearlyRight);
        }
        int rounds = 600;
        long[] wrongNanos = new long[rounds];
        long[] nearlyNanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            wrongNanos[i] = reject(wrong);
            nearlyNanos[i] = reject(nearlyRight);
        }

        double wrongMedian = median(wrongNanos);
        double nearlyMedian = median(nearlyNanos);
        double tolerance = Math.max(150_000, 0.25 * Math.max(wrongMedian, nearlyMedian));
        assertThat(Math.abs(wrongMedian - nearlyMedian))
                .as("median rejection time: wrong %.0f µs, nearly right %.0f µs", wrongMedian / 1000, nearlyMedian / 1000)
                .isLessThan(tolerance);
    }

    private long reject(String token) {
        HttpRequest.Builder request = app.http().request("/database/cleanup").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody());
        long start = System.nanoTime();
        int status = app.http().send(request).statusCode();
        long elapsed = System.nanoTime() - start;
        assertThat(status).isEqualTo(401);
        return elapsed;
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
    }
}
