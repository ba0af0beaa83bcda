package dev.botops.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One path pattern with its handlers per method. Patterns are literal paths with {@code {name}} segments,
 * e.g. {@code /maintenance/runs/{id}}.
 */
final class Route {
    private final String pattern;
    private final Pattern regex;
    private final java.util.List<String> names = new java.util.ArrayList<>();
    private final Map<String, Handler> handlers = new LinkedHashMap<>();
    private final Set<String> acceptedQuery;

    Route(String pattern, Set<String> acceptedQuery) {
        this.pattern = pattern;
        this.acceptedQuery = Set.copyOf(acceptedQuery);
        StringBuilder re = new StringBuilder();
        Matcher m = Pattern.compile("\\{([a-z]+)}").matcher(pattern);
        int last = 0;
        while (m.find()) {
            re.append(Pattern.quote(pattern.substring(last, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        re.append(Pattern.quote(pattern.substring(last)));
        this.regex = Pattern.compile(re.toString());
    }

    Route on(String method, Handler handler) {
        handlers.put(method, handler);
        return this;
    }

    /** Path parameters when the path matches, else {@code null}. */
    Map<String, String> match(String path) {
        Matcher m = regex.matcher(path);
        if (!m.matches()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            params.put(names.get(i), m.group(i + 1));
        }
        return params;
    }

    Handler handler(String method) {
        return handlers.get(method);
    }

    Set<String> methods() {
        return handlers.keySet();
    }

    Set<String> acceptedQuery() {
        return acceptedQuery;
    }

    String pattern() {
        return pattern;
    }

    /** Handles one request; may throw {@link HttpError}. */
    @FunctionalInterface
    interface Handler {
        Response handle(Request request) throws Exception;
    }
}
