package dev.botops.http;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An incoming request as routes see it: method, path, path parameters, query, headers, caller. */
public record Request(String method, String path, Map<String, String> pathParams, Map<String, String> query,
                      Map<String, List<String>> headers, InetSocketAddress caller, byte[] body) {

    public Optional<String> header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return Optional.of(e.getValue().get(0));
            }
        }
        return Optional.empty();
    }

    /** A boolean query parameter: absent gives the default, anything but true/false is a 400. */
    public boolean flag(String name, boolean defaultValue) {
        String value = query.get(name);
        if (value == null) {
            return defaultValue;
        }
        if (value.equalsIgnoreCase("true") || value.equals("1")) {
            return true;
        }
        if (value.equalsIgnoreCase("false") || value.equals("0")) {
            return false;
        }
        throw new HttpError(400, "Query parameter '" + name + "' must be true or false, not '" + value + "'.");
    }

    /** An integer query parameter within bounds; otherwise a 400 that says what is allowed. */
    public int integer(String name, int defaultValue, int min, int max) {
        String value = query.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // fall through to the 400 below
        }
        throw new HttpError(400, "Query parameter '" + name + "' must be a whole number from " + min + " to " + max
                + ", not '" + value + "'.");
    }

    /** The caller as "address:port" for run logs. */
    public String callerAddress() {
        return caller == null ? "unknown" : caller.getAddress().getHostAddress() + ":" + caller.getPort();
    }

    static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> result = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return result;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (result.putIfAbsent(name, value) != null) {
                    throw new HttpError(400, "Query parameter '" + name + "' is given more than once.");
                }
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, "The query string is not valid URL encoding.");
            }
        }
        return result;
    }
}
