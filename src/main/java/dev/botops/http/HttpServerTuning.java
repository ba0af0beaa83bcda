package dev.botops.http;

/**
 * Tuning for the JDK HTTP server, which only the sandbox Bot API uses now (the health endpoint runs on Jetty, see
 * {@link HttpEndpoint}). The JDK server reads it from system properties once, when its configuration class loads;
 * call {@link #apply()} before the first {@code HttpServer} of the process is created (the composition root
 * does, before the sandbox Bot API starts its server; settings applied later are silently ignored).
 * Without {@code nodelay} every keep-alive response waits about 40 ms on Nagle's algorithm; without the
 * request/response limits a slow client can hold a worker thread for ever.
 */
public final class HttpServerTuning {
    private HttpServerTuning() {
    }

    public static void apply() {
        setIfAbsent("sun.net.httpserver.nodelay", "true");
        setIfAbsent("sun.net.httpserver.maxReqTime", "10");     // seconds to read a request
        // Seconds from the end of the request to the end of the response, handler time included. The limit is
        // process-wide, and the sandbox Bot API answers long polls after up to 50 s.
        setIfAbsent("sun.net.httpserver.maxRspTime", "120");
        setIfAbsent("sun.net.httpserver.idleInterval", "30");   // seconds a keep-alive connection may idle
        setIfAbsent("sun.net.httpserver.maxIdleConnections", "64");
        setIfAbsent("sun.net.httpserver.maxReqHeaders", "100");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
