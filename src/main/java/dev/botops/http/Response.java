package dev.botops.http;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a route answers: status, content type, extra headers and the body bytes. */
public record Response(int status, String contentType, Map<String, String> headers, byte[] body) {
    public static final String JSON = "application/json; charset=utf-8";

    public Response {
        headers = Map.copyOf(headers);
    }

    public static Response json(int status, byte[] body) {
        return new Response(status, JSON, Map.of(), body);
    }

    public static Response text(int status, String contentType, String body) {
        return new Response(status, contentType, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    public Response withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new Response(status, contentType, copy, body);
    }
}
