package dev.botops.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md invariant 10, checked in the source: no SQL of the app sets session state that a transaction-mode
 * pooler would hand to its other clients. (The behaviour itself is tested against a real PgBouncer in
 * {@link PoolerTest}; this catches a new statement before it gets that far.)
 */
class NoSessionStateTest {
    /** What must not appear in the app's SQL, and why. */
    private static final Map<Pattern, String> FORBIDDEN = Map.of(
            Pattern.compile("set_config\\([^)]*,\\s*false\\s*\\)"), "a session-level set_config (use the unit's settings, or true)",
            // A statement that starts with SET (not UPDATE ... SET, ALTER ... SET SCHEMA): SQL keywords are upper case here.
            Pattern.compile("\"SET\\s+(?!LOCAL\\b|TRANSACTION\\b)"), "a session-level SET (SET LOCAL lasts one transaction)",
            Pattern.compile("\"RESET\\s"), "RESET changes the session",
            Pattern.compile("pg_(try_)?advisory_lock(_shared)?\\s*\\(|\"pg_(try_)?advisory_lock\""),
            "a session-level advisory lock (use pg_advisory_xact_lock, or a row with an expiry)",
            Pattern.compile("\"[^\"]*\\b(LISTEN|NOTIFY|UNLISTEN)\\s"), "LISTEN/NOTIFY needs a session of its own",
            Pattern.compile("setConnectionInitSql|\\bPREPARE\\s+\\w+\\s+AS\\b"), "state set up once per server connection");
    /**
     * Known, being replaced: the maintenance run's advisory lock gives way to a lease row (issue 12, maintenance). It is
     * taken and released inside one transaction of the lock unit, so a pooler keeps it on one server connection.
     */
    private static final List<String> KNOWN = List.of("maintenance/MaintenanceService.java");

    @Test
    void theAppsSqlSetsNoSessionState() throws IOException {
        Path main = Path.of("src", "main", "java");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(main)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String relative = main.resolve("dev/botops").relativize(file).toString().replace('\\', '/');
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).trim();
                    if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) {
                        continue;
                    }
                    for (Map.Entry<Pattern, String> rule : FORBIDDEN.entrySet()) {
                        Matcher m = rule.getKey().matcher(line);
                        if (m.find() && !KNOWN.contains(relative)) {
                            found.add(relative + ":" + (i + 1) + ": " + rule.getValue() + ": " + line);
                        }
                    }
                }
            }
        }
        assertThat(found).isEmpty();
    }
}
