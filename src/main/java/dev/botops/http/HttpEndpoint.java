package dev.botops.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.botops.concurrent.Threads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded HTTP server: routing, limits and the error contract, on a bounded pool of named threads.
 * Every error is a JSON body ({@code status}, {@code error}, {@code message}), never a stack trace.
 */
public final class HttpEndpoint implements AutoCloseable {
    static final int MAX_BODY = 64 * 1024;
    private static final long OVERLOAD_LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final Duration STOP_WAIT = Duration.ofSeconds(3);
    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);

    private final List<Route> routes;
    private final ObjectMapper json;
    private final HostGuard hostGuard;
    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final AtomicLong droppedRequests = new AtomicLong();
    private final AtomicLong lastOverloadLog = new AtomicLong(System.nanoTime() - OVERLOAD_LOG_EVERY_NANOS - 1);

    HttpEndpoint(InetAddress bind, int port, int threads, List<Route> routes, ObjectMapper json) throws IOException {
        HttpServerTuning.apply();
        this.routes = List.copyOf(routes);
        this.json = json;
        this.hostGuard = new HostGuard(bind);
        this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(512),
                Threads.numberedDaemons("botops-http"), new ThreadPoolExecutor.AbortPolicy());
        this.server = HttpServer.create(new InetSocketAddress(bind, port), 128);
        server.setExecutor(command -> {
            try {
                executor.execute(command);
            } catch (RejectedExecutionException e) {
                // Overloaded (or stopping): rethrown, so that the JDK's dispatcher closes the connection and the
                // client sees it close rather than wait. Logged at most once a minute, so that a flood of requests
                // does not become a flood of log lines.
                if (!executor.isShutdown()) {
                    long dropped = droppedRequests.incrementAndGet();
                    long now = System.nanoTime();
                    long last = lastOverloadLog.get();
                    if (now - last > OVERLOAD_LOG_EVERY_NANOS && lastOverloadLog.compareAndSet(last, now)) {
                        log.warn("HTTP endpoint overloaded: {} request(s) dropped so far", dropped);
                    }
                }
                throw e;
            }
        });
        server.createContext("/", this::dispatch);
        server.start();
        log.info("Health endpoint listening on http://{}", hostPort());
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    public String hostPort() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private void dispatch(HttpExchange exchange) {
        Response response;
        String method = exchange.getRequestMethod();
        try {
            response = route(exchange, method);
        } catch (HttpError e) {
            response = error(e.status(), e.getMessage());
            for (Map.Entry<String, String> h : e.headers().entrySet()) {
                response = response.withHeader(h.getKey(), h.getValue());
            }
        } catch (Exception e) {
            log.error("Unexpected failure answering {} {}", method, exchange.getRequestURI().getPath(), e);
            response = error(500, "Internal error; see the application log.");
        }
        if (bodyLeftUnread(exchange)) {
            // The client may still be sending a body we did not read (413, or refused before reading): the
            // connection cannot carry another request, so say so instead of letting a keep-alive client
            // reuse it and see the next request fail.
            response = response.withHeader("Connection", "close");
        }
        send(exchange, method, response);
    }

    private static boolean bodyLeftUnread(HttpExchange exchange) {
        if (exchange.getAttribute(BODY_READ) != null) {
            return false;
        }
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        boolean chunked = exchange.getRequestHeaders().getFirst("Transfer-Encoding") != null;
        return chunked || (length != null && !length.trim().equals("0"));
    }

    private Response route(HttpExchange exchange, String method) throws Exception {
        String path = exchange.getRequestURI().getRawPath();
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Request probe = new Request(method, path, Map.of(), Map.of(), exchange.getRequestHeaders(), exchange.getRemoteAddress(), new byte[0]);
        hostGuard.check(probe);
        byte[] body = readBody(exchange);
        for (Route route : routes) {
            Map<String, String> params = route.match(path);
            if (params == null) {
                continue;
            }
            Route.Handler handler = route.handler(method.equals("HEAD") && route.handler("HEAD") == null ? "GET" : method);
            if (handler == null) {
                Set<String> allowed = new LinkedHashSet<>(route.methods());
                if (allowed.contains("GET")) {
                    allowed.add("HEAD");
                }
                throw new HttpError(405, "Method " + method + " is not allowed on " + route.pattern() + ".",
                        Map.of("Allow", String.join(", ", allowed)));
            }
            if (body.length > 0 && !method.equals("POST")) {
                throw new HttpError(400, method + " requests take no body.");
            }
            if (body.length > 0) {
                String type = probe.header("Content-Type").orElse("");
                if (!type.startsWith("application/json")) {
                    throw new HttpError(415, "Request bodies must be application/json (or empty).");
                }
            }
            Map<String, String> query = Request.parseQuery(exchange.getRequestURI().getRawQuery());
            Set<String> unknown = new TreeSet<>(query.keySet());
            unknown.removeAll(route.acceptedQuery());
            if (!unknown.isEmpty()) {
                throw new HttpError(400, "Unknown query parameter(s) " + unknown + " for " + route.pattern()
                        + (route.acceptedQuery().isEmpty() ? "; it takes none." : "; it takes " + new TreeSet<>(route.acceptedQuery()) + "."));
            }
            return handler.handle(new Request(method, path, params, query, exchange.getRequestHeaders(),
                    exchange.getRemoteAddress(), body));
        }
        throw new HttpError(404, "No such endpoint: " + path + ". Try /health, /database/health, /metrics or /maintenance/runs.");
    }

    private static final String BODY_READ = "botops.body-read";
    private static final long MAX_DRAIN = 1024 * 1024;

    private static byte[] readBody(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                throw new HttpError(400, "Content-Length is not a number.");
            }
            if (declared > MAX_BODY) {
                drain(exchange, declared);
                throw new HttpError(413, "Request bodies are limited to 64 KiB.");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                if (out.size() > MAX_BODY) {
                    throw new HttpError(413, "Request bodies are limited to 64 KiB.");
                }
            }
            exchange.setAttribute(BODY_READ, Boolean.TRUE);
            return out.toByteArray();
        }
    }

    /**
     * Reads and discards a too-large body of moderate size before answering 413: closing a connection with
     * unread data makes TCP reset it, and the client would lose the 413 itself. Larger bodies are not read;
     * the answer then says {@code Connection: close}.
     */
    private static void drain(HttpExchange exchange, long declared) throws IOException {
        if (declared > MAX_DRAIN) {
            return;
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] buffer = new byte[8192];
            while (in.read(buffer) > 0) {
                // discard
            }
        }
        exchange.setAttribute(BODY_READ, Boolean.TRUE);
    }

    Response error(int status, String message) {
        ObjectNode body = json.createObjectNode();
        body.put("status", status);
        body.put("error", reason(status));
        body.put("message", message);
        try {
            return Response.json(status, json.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise an error body", e);
        }
    }

    private static void send(HttpExchange exchange, String method, Response response) {
        try {
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            boolean head = method.equals("HEAD");
            if (head) {
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(response.body().length));
            }
            exchange.sendResponseHeaders(response.status(), head ? -1 : (response.body().length == 0 ? -1 : response.body().length));
            if (!head && response.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (IOException e) {
            log.debug("Client went away before the response was written: {}", e.getMessage());
        } finally {
            exchange.close();
        }
    }

    static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 202: return "Accepted";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Method Not Allowed";
            case 409: return "Conflict";
            case 413: return "Payload Too Large";
            case 415: return "Unsupported Media Type";
            case 429: return "Too Many Requests";
            case 503: return "Service Unavailable";
            default: return status >= 500 ? "Internal Server Error" : "Error";
        }
    }

    /**
     * Lets in-flight requests finish (bounded), then stops the server. The workers are drained first because
     * JDK 17's {@code HttpServer.stop(delay)} waits the whole delay even when nothing is in flight.
     */
    @Override
    public void close() {
        Threads.shutdown(executor, STOP_WAIT, "HTTP workers");
        server.stop(0);
    }

    /** Collects routes for the endpoint. */
    static final class Routes {
        private final List<Route> routes = new ArrayList<>();

        Route add(String pattern, String... acceptedQuery) {
            Route route = new Route(pattern, Set.of(acceptedQuery));
            routes.add(route);
            return route;
        }

        List<Route> build() {
            return routes;
        }
    }
}
