package dev.botops.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.botops.config.SettingsLoader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint's contract independent of what it serves: routing, limits, auth, host check, JSON errors. */
class HttpEndpointTest {
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpEndpoint endpoint;

    @BeforeEach
    void start() throws IOException {
        BearerAuth auth = new BearerAuth("correct-horse-battery-staple");
        RateLimiter limiter = new RateLimiter(Clock.systemUTC(), 2, Duration.ofMinutes(1));
        HttpEndpoint.Routes routes = new HttpEndpoint.Routes();
        routes.add("/ping").on("GET", r -> Response.text(200, "text/plain", "pong"));
        routes.add("/items/{id}", "verbose").on("GET", r -> Response.text(200, "text/plain", "item " + r.pathParams().get("id")
                + " verbose=" + r.flag("verbose", false)));
        routes.add("/guarded").on("POST", r -> {
            auth.check(r, "Set http.token.");
            limiter.acquire("guarded");
            return Response.text(202, "text/plain", "accepted");
        });
        endpoint = new HttpEndpoint(InetAddress.getLoopbackAddress(), 0, HttpLimits.of(SettingsLoader.fromProperties(Map.of("http.threads", "2"))),
                routes.build(), json);
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path));
    }

    private JsonNode body(HttpResponse<String> response) throws IOException {
        assertThat(response.headers().firstValue("Content-Type")).hasValue(Response.JSON);
        return json.readTree(response.body());
    }

    @Test
    void knownPathAnswersAndHeadAnswersWithoutBody() throws Exception {
        assertThat(send(get("/ping")).body()).isEqualTo("pong");
        HttpResponse<String> head = send(get("/ping").method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void pathParametersAndQueryFlagsReachTheHandler() throws Exception {
        assertThat(send(get("/items/42?verbose=true")).body()).isEqualTo("item 42 verbose=true");
    }

    @Test
    void unknownPathIs404WithJsonError() throws Exception {
        HttpResponse<String> r = send(get("/nope"));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(body(r).get("message").asText()).contains("No such endpoint: /nope");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("at dev.");
    }

    @Test
    void wrongMethodIs405WithAllowHeader() throws Exception {
        HttpResponse<String> r = send(get("/ping").DELETE());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(body(r).get("error").asText()).isEqualTo("Method Not Allowed");
    }

    @Test
    void badQueryValuesAndUnknownParametersAre400() throws Exception {
        HttpResponse<String> badValue = send(get("/items/1?verbose=maybe"));
        assertThat(badValue.statusCode()).isEqualTo(400);
        assertThat(body(badValue).get("message").asText()).contains("verbose").contains("true or false");
        HttpResponse<String> unknown = send(get("/items/1?colour=red"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(body(unknown).get("message").asText()).contains("colour");
    }

    @Test
    void bodiesOver64KiBAre413() throws Exception {
        byte[] big = new byte[70 * 1024];
        HttpResponse<String> r = send(get("/guarded").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)));
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(body(r).get("status").asInt()).isEqualTo(413);
    }

    @Test
    void nonJsonBodiesAre415() throws Exception {
        HttpResponse<String> r = send(get("/guarded").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello")));
        assertThat(r.statusCode()).isEqualTo(415);
    }

    @Test
    void missingOrWrongTokenIs401AndTheRightOneIsAccepted() throws Exception {
        assertThat(send(get("/guarded").POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(401);
        assertThat(send(get("/guarded").header("Authorization", "Bearer correct-horse-battery-stapl")
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(401);
        assertThat(send(get("/guarded").header("Authorization", "Bearer correct-horse-battery-staple")
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(202);
    }

    @Test
    void repeatedCallsAreRateLimitedWithRetryAfter() throws Exception {
        HttpRequest.Builder call = get("/guarded").header("Authorization", "Bearer correct-horse-battery-staple")
                .POST(HttpRequest.BodyPublishers.noBody());
        assertThat(send(call).statusCode()).isEqualTo(202);
        assertThat(send(call).statusCode()).isEqualTo(202);
        HttpResponse<String> limited = send(call);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 60));
    }

    @Test
    void foreignHostHeaderIsRefusedWhileBoundToLoopback() throws Exception {
        // java.net.http will not send a custom Host header, so speak HTTP/1.1 by hand.
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), endpoint.port())) {
            socket.getOutputStream().write(("GET /ping HTTP/1.1\r\nHost: evil.example.com\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 403").contains("evil.example.com").contains("localhost");
        }
        assertThat(HostGuard.isLoopbackHost("localhost:5000")).isTrue();
        assertThat(HostGuard.isLoopbackHost("127.0.0.1:5000")).isTrue();
        assertThat(HostGuard.isLoopbackHost("[::1]:5000")).isTrue();
        assertThat(HostGuard.isLoopbackHost("127.0.0.1.evil.com")).isFalse();
        assertThat(HostGuard.isLoopbackHost("")).isFalse();
    }

    @Test
    void malformedRequestsAreRefusedWithAJsonError() throws Exception {
        assertThat(rawExchange("GET /ping HTTP/1.1\r\nConnection: close\r\n\r\n")).as("HTTP/1.1 without Host")
                .startsWith("HTTP/1.1 400").contains("\"status\":400").doesNotContain("<html");
        assertThat(rawExchange("GET /ping HTTP/1.1\r\nHost: localhost\r\nContent-Length: x\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 400").contains("\"status\":400").doesNotContain("<html");
    }

    private String rawExchange(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), endpoint.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void boundToLoopbackItIsNotReachableOnOtherInterfaces() throws Exception {
        List<InetAddress> others = new java.util.ArrayList<>();
        for (java.net.NetworkInterface nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
                if (!address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    others.add(address);
                }
            }
        }
        for (InetAddress address : others) {
            boolean connected;
            try (Socket socket = new Socket()) {
                socket.connect(new java.net.InetSocketAddress(address, endpoint.port()), 500);
                connected = true;
            } catch (IOException refused) {
                connected = false;
            }
            assertThat(connected).as("reachable on %s", address).isFalse();
        }
        assertThat(endpoint.hostPort()).startsWith("127.0.0.1:");
    }
}
