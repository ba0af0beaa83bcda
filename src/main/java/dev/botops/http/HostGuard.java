package dev.botops.http;

import java.net.InetAddress;
import java.util.Locale;

/**
 * Refuses requests whose {@code Host} is not a loopback name while the server is bound to loopback: a web
 * page on another origin could otherwise read the endpoint through DNS rebinding.
 */
final class HostGuard {
    private final boolean loopbackOnly;

    HostGuard(InetAddress bound) {
        this.loopbackOnly = bound.isLoopbackAddress();
    }

    void check(Request request) {
        if (!loopbackOnly) {
            return;
        }
        String host = request.header("Host").orElse("");
        if (!isLoopbackHost(host)) {
            throw new HttpError(403, "Host '" + host + "' is not allowed: this endpoint only answers to localhost names.");
        }
    }

    static boolean isLoopbackHost(String hostHeader) {
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close > 0 && host.substring(1, close).equals("::1");
        }
        int colon = host.indexOf(':');
        if (colon >= 0) {
            host = host.substring(0, colon);
        }
        return host.equals("localhost") || host.endsWith(".localhost") || host.matches("127(\\.\\d{1,3}){3}");
    }
}
