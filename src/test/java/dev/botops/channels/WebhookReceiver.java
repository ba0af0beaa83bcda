package dev.botops.channels;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.botops.concurrent.Threads;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A local HTTP receiver on loopback for webhook tests: records every request (path, headers, body) and answers
 * 204, or with the answers queued for it (a 503, a 429 with Retry-After, a hang until released).
 */
public final class WebhookReceiver implements AutoCloseable {
    /** A request as received. */
    public record Received(String path, String query, Map<String, List<String>> headers, String body, int status) {
        public boolean accepted() {
            return status >= 200 && status < 300;
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** An answer to give: status, headers, body; {@code hang} holds the answer until {@link #close()}. */
    public record Answer(int status, Map<String, String> headers, String body, boolean hangs) {
        public static Answer status(int status) {
            return new Answer(status, Map.of(), "", false);
        }

        public static Answer status(int status, String body) {
            return new Answer(status, Map.of(), body, false);
        }

        public static Answer retryAfter(int status, String retryAfter) {
            return new Answer(status, Map.of("Retry-After", retryAfter), "", false);
        }

        public static Answer hanging() {
            return new Answer(200, Map.of(), "", true);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, Threads.numberedDaemons("webhook-receiver"));
    private final CountDownLatch released = new CountDownLatch(1);
    private final List<Received> received = new ArrayList<>();
    private final Deque<Answer> answers = new ArrayDeque<>();

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** The URL of a path on this receiver, e.g. {@code url("/hooks/slack/T0KEN")}. */
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Answers the next requests with these, in order; then 204 again. */
    public synchronized void answerNext(Answer... next) {
        answers.addAll(List.of(next));
    }

    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** The requests to one path. */
    public synchronized List<Received> receivedAt(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** The idempotency keys of the requests to one path that were answered 2xx, in order: what was delivered. */
    public synchronized List<String> deliveredAt(String path) {
        return received.stream().filter(r -> r.path().equals(path) && r.accepted()).map(r -> r.header("Idempotency-Key")).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Answer answer;
        synchronized (this) {
            answer = answers.isEmpty() ? Answer.status(204) : answers.poll();
            received.add(new Received(exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery(),
                    Map.copyOf(exchange.getRequestHeaders()), body, answer.status()));
        }
        if (answer.hangs()) {
            try {
                released.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), answer.status() == 204 || bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0 && answer.status() != 204) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        Threads.shutdownNow(executor, Duration.ofSeconds(5), "The webhook receiver");
    }
}
