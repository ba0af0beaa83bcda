package dev.botops.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Saves changed settings into the properties file, keeping the operator's comments and the order of the
 * other lines. Values are validated first: nothing invalid is ever written. The write is atomic
 * (temporary file, then rename), so a crash never leaves half a file.
 */
public final class SettingsStore {
    private final Path file;

    public SettingsStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /**
     * Validates {@code changes} on top of {@code current} and writes them.
     *
     * @return the new settings
     * @throws ConfigException naming the first bad key; the file is left untouched
     */
    public Settings save(Settings current, Map<String, String> changes) throws IOException {
        Settings validated = current.with(changes);
        List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : new ArrayList<>();
        Map<String, String> remaining = new LinkedHashMap<>(changes);
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String key = keyOf(line);
            if (key != null && remaining.containsKey(key)) {
                out.add(format(key, remaining.remove(key)));
            } else {
                out.add(line);
            }
        }
        if (!remaining.isEmpty() && lines.isEmpty()) {
            out.add("# BotOps Console settings (written by the dashboard; comments and order are kept)");
        }
        remaining.forEach((k, v) -> out.add(format(k, v)));
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempFile(parent, ".botops", ".tmp");
        Files.write(temp, out, StandardCharsets.UTF_8);
        try {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return validated;
    }

    /** The key a one-line property assignment sets, or {@code null} for comments, blanks and lines that are no assignment. */
    static String keyOf(String line) {
        String trimmed = line.trim();
        if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
            return null;
        }
        Properties one = new Properties();
        try {
            one.load(new StringReader(line));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return one.isEmpty() ? null : one.stringPropertyNames().iterator().next();
    }

    private static String format(String key, String value) {
        StringBuilder escaped = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\': escaped.append("\\\\"); break;
                case '\n': escaped.append("\\n"); break;
                case '\r': escaped.append("\\r"); break;
                case '\t': escaped.append("\\t"); break;
                default:
                    if (c < 0x20 || c > 0x7e) {
                        escaped.append(String.format("\\u%04x", (int) c));
                    } else if (i == 0 && c == ' ') {
                        escaped.append("\\ ");
                    } else {
                        escaped.append(c);
                    }
            }
        }
        return key + "=" + escaped;
    }
}
