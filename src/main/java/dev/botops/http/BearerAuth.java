package dev.botops.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks {@code Authorization: Bearer <token>} in constant time. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or the position of the first wrong character.
 */
final class BearerAuth {
    private final byte[] expectedDigest;

    BearerAuth(String token) {
        this.expectedDigest = token == null || token.isEmpty() ? null : sha256(token);
    }

    boolean configured() {
        return expectedDigest != null;
    }

    /** Throws 403 when no token is configured, 401 when the header is missing or wrong. */
    void check(Request request, String enableHint) {
        if (expectedDigest == null) {
            throw new HttpError(403, "This endpoint is disabled because no token is configured. " + enableHint);
        }
        String header = request.header("Authorization").orElse("");
        String presented = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
        boolean ok = MessageDigest.isEqual(expectedDigest, sha256(presented));
        if (!ok) {
            throw new HttpError(401, header.isEmpty() ? "Authorization: Bearer <token> is required."
                    : "The bearer token is not valid.", java.util.Map.of("WWW-Authenticate", "Bearer realm=\"botops\""));
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
