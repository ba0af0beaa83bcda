package dev.botops.http;

import dev.botops.config.ConfigKey;
import dev.botops.config.Settings;
import java.time.Duration;

/**
 * What one client may hold of the endpoint: threads are shared and few, so nothing a client does slowly may
 * keep one; connections, their idle time, the time to send a request and its size are each bounded.
 *
 * @param threads        worker threads that run requests
 * @param maxConnections open connections held at most; more wait in the accept queue
 * @param idleTimeout    a connection silent in both directions this long is closed
 * @param headerTimeout  from a request's first byte to the end of its headers, however slowly they trickle
 * @param bodyTimeout    from the end of a request's headers to the end of its body
 * @param maxHeaderSize  request line plus headers; more is answered 414 or 431 as soon as the limit is passed
 * @param maxBodySize    request body; more is answered 413
 */
record HttpLimits(int threads, int maxConnections, Duration idleTimeout, Duration headerTimeout, Duration bodyTimeout,
                  int maxHeaderSize, int maxBodySize) {

    static HttpLimits of(Settings settings) {
        return new HttpLimits(settings.integer(ConfigKey.HTTP_THREADS), settings.integer(ConfigKey.HTTP_MAX_CONNECTIONS),
                settings.duration(ConfigKey.HTTP_IDLE_TIMEOUT), settings.duration(ConfigKey.HTTP_HEADER_TIMEOUT),
                settings.duration(ConfigKey.HTTP_BODY_TIMEOUT), Math.toIntExact(settings.bytes(ConfigKey.HTTP_MAX_HEADER_SIZE)),
                Math.toIntExact(settings.bytes(ConfigKey.HTTP_MAX_BODY_SIZE)));
    }

    HttpLimits withThreads(int count) {
        return new HttpLimits(count, maxConnections, idleTimeout, headerTimeout, bodyTimeout, maxHeaderSize, maxBodySize);
    }
}
