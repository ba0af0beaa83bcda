package dev.botops.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.botops.config.Sizes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded HTTP server: routing, limits and the error contract. Every error is a JSON body
 * ({@code status}, {@code error}, {@code message}), never a stack trace.
 *
 * <p>Jetty's NIO connector reads every connection on one selector thread and hands a request to the worker
 * threads only once its headers are complete; bodies are read without holding a thread. So a client that
 * connects and sends nothing, or sends slowly, costs a connection and a little memory, never a worker, and
 * {@link HttpLimits} bounds those too (the JDK server this replaced read headers on its workers: four
 * half-open connections stopped it; see docs/decisions.md).
 */
public final class HttpEndpoint implements AutoCloseable {
    /** When {@code http.max-connections} is reached, connections idle this long are closed to make room. */
    static final Duration IDLE_TIMEOUT_WHEN_FULL = Duration.ofSeconds(2);
    private static final Duration STOP_WAIT = Duration.ofSeconds(3);
    private static final Duration SHUTDOWN_IDLE = Duration.ofMillis(50);
    private static final Logger log = LoggerFactory.getLogger(HttpEndpoint.class);

    private final List<Route> routes;
    private final ObjectMapper json;
    private final HostGuard hostGuard;
    private final int maxBody;
    private final Server server;
    private final ServerConnector connector;

    HttpEndpoint(InetAddress bind, int port, HttpLimits limits, List<Route> routes, ObjectMapper json) throws IOException {
        this.routes = List.copyOf(routes);
        this.json = json;
        this.hostGuard = new HostGuard(bind);
        this.maxBody = limits.maxBodySize();

        // Workers plus the acceptor and the selector; reserved threads off, so that every request runs on a worker.
        QueuedThreadPool threads = new QueuedThreadPool(limits.threads() + 2, Math.min(2, limits.threads() + 2), 60_000, 0, null, null);
        threads.setName("botops-http");
        threads.setDaemon(true);
        threads.setStopTimeout(STOP_WAIT.toMillis());
        this.server = new Server(threads);
        server.setStopTimeout(STOP_WAIT.toMillis());

        HttpConfiguration config = new HttpConfiguration();
        config.setRequestHeaderSize(limits.maxHeaderSize());
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        // Jetty 12.1 dispatches a request once its headers are complete (nothing here delays it until content
        // arrives), so an oversized Content-Length is refused before any body is sent.
        DeadlineHttpConnectionFactory http = new DeadlineHttpConnectionFactory(config, limits.headerTimeout(), limits.bodyTimeout());
        this.connector = new ServerConnector(server, null, new ScheduledExecutorScheduler("botops-http-timer", true), null, 1, 1, http);
        connector.setHost(bind.getHostAddress());
        connector.setPort(port);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.setAcceptQueueSize(128);
        // When stopping, in-flight requests get STOP_WAIT to finish; idle keep-alive connections are closed at once
        // (Jetty's default waits a second for them).
        connector.setShutdownIdleTimeout(SHUTDOWN_IDLE.toMillis());
        server.addConnector(connector);
        NetworkConnectionLimit connectionLimit = new NetworkConnectionLimit(limits.maxConnections(), connector);
        connectionLimit.setEndPointIdleTimeout(IDLE_TIMEOUT_WHEN_FULL.toMillis());
        server.addBean(connectionLimit);

        server.setHandler(new Dispatcher());
        server.setErrorHandler(new JsonErrorHandler());
        try {
            server.start();
        } catch (Exception e) {
            stop();
            throw e instanceof IOException io ? io : new IOException("Cannot start the HTTP endpoint on " + bind.getHostAddress() + ":" + port, e);
        }
        log.info("Health endpoint listening on http://{}", hostPort());
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public String hostPort() {
        String host = connector.getHost();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
    }

    /** Runs each request: refusals that need no body first, then the body (read without a thread), then the route. */
    private final class Dispatcher extends Handler.Abstract {
        @Override
        public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response, Callback callback) {
            Incoming incoming = new Incoming(request);
            try {
                hostGuard.check(incoming.toRequest(Map.of(), Map.of(), new byte[0]));
                if (!incoming.hasBody()) {
                    respond(incoming, response, callback, false, () -> route(incoming, new byte[0]));
                    return true;
                }
                if (request.getLength() > maxBody) {
                    throw tooLarge();
                }
            } catch (HttpError e) {
                respond(incoming, response, callback, incoming.hasBody(), () -> {
                    throw e;
                });
                return true;
            }
            Content.Source.asByteArrayAsync(request, maxBody, new Promise.Invocable<>() {
                @Override
                public void succeeded(byte[] body) {
                    respond(incoming, response, callback, false, () -> route(incoming, body));
                }

                @Override
                public void failed(Throwable failure) {
                    if (failure instanceof IllegalStateException) {
                        // How Content.Source's reader refuses a body that grows past the limit.
                        respond(incoming, response, callback, true, () -> {
                            throw tooLarge();
                        });
                    } else {
                        log.debug("Request body not received: {}", failure.toString());
                        callback.failed(failure);
                    }
                }
            });
            return true;
        }
    }

    private HttpError tooLarge() {
        return new HttpError(413, "Request bodies are limited to " + Sizes.format(maxBody) + " (http.max-body-size).");
    }

    /** What the routing needs of a Jetty request, read once. */
    private static final class Incoming {
        final String method;
        final String path;
        final String rawQuery;
        final Map<String, List<String>> headers;
        final InetSocketAddress caller;
        private final boolean body;

        Incoming(org.eclipse.jetty.server.Request request) {
            this.method = request.getMethod();
            String raw = request.getHttpURI().getPath();
            this.path = raw == null || raw.isEmpty() ? "/" : raw.length() > 1 && raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
            this.rawQuery = request.getHttpURI().getQuery();
            HttpFields fields = request.getHeaders();
            Map<String, List<String>> copy = new LinkedHashMap<>();
            for (HttpField field : fields) {
                copy.computeIfAbsent(field.getName(), k -> new ArrayList<>(1)).add(field.getValue());
            }
            this.headers = copy;
            SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
            this.caller = remote instanceof InetSocketAddress inet ? inet : null;
            this.body = fields.contains(HttpHeader.TRANSFER_ENCODING) || fields.getLongField(HttpHeader.CONTENT_LENGTH) > 0;
        }

        boolean hasBody() {
            return body;
        }

        Request toRequest(Map<String, String> pathParams, Map<String, String> query, byte[] content) {
            return new Request(method, path, pathParams, query, headers, caller, content);
        }
    }

    /** Produces the answer to one request; may throw {@link HttpError}. */
    @FunctionalInterface
    private interface Answer {
        Response get() throws Exception;
    }

    /**
     * Answers; {@code bodyUnread} when refused before the body was read: the connection cannot carry another
     * request then, and saying so keeps a keep-alive client from sending its next one on it.
     */
    private void respond(Incoming incoming, org.eclipse.jetty.server.Response response, Callback callback, boolean bodyUnread,
                         Answer answer) {
        Response result;
        try {
            result = answer.get();
        } catch (HttpError e) {
            result = error(e.status(), e.getMessage());
            for (Map.Entry<String, String> h : e.headers().entrySet()) {
                result = result.withHeader(h.getKey(), h.getValue());
            }
        } catch (Exception e) {
            log.error("Unexpected failure answering {} {}", incoming.method, incoming.path, e);
            result = error(500, "Internal error; see the application log.");
        }
        if (bodyUnread) {
            result = result.withHeader("Connection", "close");
        }
        send(incoming.method, result, response, callback);
    }

    private Response route(Incoming incoming, byte[] body) throws Exception {
        String method = incoming.method;
        String path = incoming.path;
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
            Request request = incoming.toRequest(params, Request.parseQuery(incoming.rawQuery), body);
            if (body.length > 0) {
                String type = request.header("Content-Type").orElse("");
                if (!type.startsWith("application/json")) {
                    throw new HttpError(415, "Request bodies must be application/json (or empty).");
                }
            }
            Set<String> unknown = new TreeSet<>(request.query().keySet());
            unknown.removeAll(route.acceptedQuery());
            if (!unknown.isEmpty()) {
                throw new HttpError(400, "Unknown query parameter(s) " + unknown + " for " + route.pattern()
                        + (route.acceptedQuery().isEmpty() ? "; it takes none." : "; it takes " + new TreeSet<>(route.acceptedQuery()) + "."));
            }
            return handler.handle(request);
        }
        throw new HttpError(404, "No such endpoint: " + path + ". Try /health, /database/health, /metrics or /maintenance/runs.");
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

    private static void send(String method, Response answer, org.eclipse.jetty.server.Response response, Callback callback) {
        response.setStatus(answer.status());
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, answer.contentType());
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        answer.headers().forEach(headers::put);
        headers.put(HttpHeader.CONTENT_LENGTH, answer.body().length);
        boolean head = method.equals("HEAD");
        response.write(true, head || answer.body().length == 0 ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(answer.body()), callback);
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
            case 408: return "Request Timeout";
            case 409: return "Conflict";
            case 413: return "Payload Too Large";
            case 414: return "URI Too Long";
            case 415: return "Unsupported Media Type";
            case 431: return "Request Header Fields Too Large";
            case 429: return "Too Many Requests";
            case 503: return "Service Unavailable";
            default: return status >= 500 ? "Internal Server Error" : "Error";
        }
    }

    /** Lets in-flight requests finish (bounded), then closes every connection and stops the threads. */
    @Override
    public void close() {
        stop();
    }

    private void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            log.warn("The HTTP endpoint did not stop cleanly", e);
        }
    }

    /** Jetty's own refusals (malformed requests, 414, 431) in the endpoint's JSON error shape. */
    private final class JsonErrorHandler extends ErrorHandler {
        @Override
        protected void generateResponse(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response, int code,
                                        String message, Throwable cause, Callback callback) {
            String text = switch (code) {
                case 414 -> "The request line is longer than the endpoint accepts (http.max-header-size).";
                case 431 -> "The request headers are larger than the endpoint accepts (http.max-header-size).";
                case 400 -> "Malformed HTTP request" + (message == null || message.isBlank() ? "." : ": " + truncate(message) + ".");
                default -> code >= 500 ? "Internal error; see the application log." : truncate(message == null ? reason(code) : message);
            };
            Response answer = error(code, text);
            send(request.getMethod(), answer, response, callback);
        }

        private static String truncate(String message) {
            return message.length() > 200 ? message.substring(0, 200) + "…" : message;
        }
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
