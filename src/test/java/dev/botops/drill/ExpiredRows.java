package dev.botops.drill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Expired rows for the app's scheduled cleanup to find: waves of {@code message_log} rows 31 to 50 days old
 * (the policy keeps 30 days and archives what it deletes), and rows 29 days old that must stay. Drill rows
 * carry negative update ids, so they never mix with the bot's own rows.
 */
final class ExpiredRows {
    static final int KEPT_ROWS = 500;
    private static final long KEPT_BASE = 999_000_000L;
    private static final long WAVE_BASE = 1_000_000L;

    /** A cleanup run as the run log has it, with the message_log part and its archive file. */
    record Run(long runId, String kind, String outcome, long rowsDeleted, long messageLogRows, String archiveFile) {
    }

    /** What cleanup did to the drill's rows, as the database, the run log and the archives tell it. */
    record Findings(int seeded, int remainingExpired, int keptPresent, List<Run> runs, Set<Long> archived, int archivedDuplicates,
                    int archivedOthers, Map<Long, Integer> archivedPerRun, List<String> truncatedFiles) {
        int deleted() {
            return seeded - remainingExpired;
        }
    }

    private final AdminConnection admin;
    private final Path archiveDir;
    private final Set<Long> seededIds = new HashSet<>();

    ExpiredRows(AdminConnection admin, Path archiveDir) {
        this.admin = admin;
        this.archiveDir = archiveDir;
    }

    void seedKept() throws SQLException {
        insert("INSERT INTO message_log (update_id, chat_id, user_id, direction, text, logged_at) "
                + "SELECT -(? + g), 0, 0, 'IN', 'drill kept #' || g, now() - interval '29 days' FROM generate_series(1, ?) g", KEPT_BASE, KEPT_ROWS);
    }

    /** Inserts a wave of expired rows; returns how many. */
    int seedWave(int wave, int rows) throws SQLException {
        long base = wave * WAVE_BASE;
        insert("INSERT INTO message_log (update_id, chat_id, user_id, direction, text, logged_at) "
                + "SELECT -(? + g), 0, 0, 'IN', 'drill expired #' || g, now() - interval '31 days' - (g % 20) * interval '1 day' "
                + "FROM generate_series(1, ?) g", base, rows);
        synchronized (seededIds) {
            for (int g = 1; g <= rows; g++) {
                seededIds.add(-(base + g));
            }
        }
        return rows;
    }

    private void insert(String sql, long base, int rows) throws SQLException {
        admin.query(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, base);
                ps.setInt(2, rows);
                return ps.executeUpdate();
            }
        });
    }

    int seeded() {
        synchronized (seededIds) {
            return seededIds.size();
        }
    }

    int remainingExpired() throws SQLException {
        return count("SELECT count(*) FROM message_log WHERE update_id < 0 AND update_id > -" + KEPT_BASE);
    }

    /** Whether a cleanup run is in progress (RUNNING in the run log). */
    boolean cleanupRunning() throws SQLException {
        return count("SELECT count(*) FROM maintenance_runs WHERE outcome = 'RUNNING'") > 0;
    }

    private int count(String sql) throws SQLException {
        return admin.query(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    Findings findings() throws SQLException {
        int kept = count("SELECT count(*) FROM message_log WHERE update_id <= -" + (KEPT_BASE + 1) + " AND update_id >= -" + (KEPT_BASE + KEPT_ROWS)
                + " AND text LIKE 'drill kept #%'");
        List<Run> runs = runs();
        Set<Long> archived = new HashSet<>();
        Map<Long, Integer> perRun = new HashMap<>();
        int duplicates = 0;
        int others = 0;
        List<String> truncated = new ArrayList<>();
        Set<Long> seeded;
        synchronized (seededIds) {
            seeded = Set.copyOf(seededIds);
        }
        for (Path file : archiveFiles()) {
            long runId = runIdOf(file);
            Set<Long> inFile = new HashSet<>();
            for (JsonNode row : read(file, truncated)) {
                long id = row.path("update_id").asLong(0);
                if (!seeded.contains(id)) {
                    others++;
                } else if (inFile.add(id) && !archived.add(id)) {
                    duplicates++;
                }
            }
            perRun.merge(runId, inFile.size(), Integer::sum);
        }
        return new Findings(seeded.size(), remainingExpired(), kept, runs, archived, duplicates, others, perRun, truncated);
    }

    private List<Run> runs() throws SQLException {
        ObjectMapper json = new ObjectMapper();
        return admin.query(c -> {
            List<Run> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT run_id, kind, outcome, rows_deleted, details::text FROM maintenance_runs "
                    + "WHERE NOT dry_run AND kind IN ('CLEANUP', 'QUICK_CLEANUP', 'DAILY') ORDER BY run_id"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long rows = 0;
                    String archive = null;
                    try {
                        JsonNode details = json.readTree(rs.getString(5) == null ? "{}" : rs.getString(5));
                        for (JsonNode table : details.path("tables")) {
                            if (table.path("policy").asText().equals("message_log")) {
                                rows = table.path("rows").asLong();
                                archive = table.path("archiveFile").isNull() ? null : table.path("archiveFile").asText(null);
                            }
                        }
                    } catch (IOException e) {
                        throw new SQLException("unreadable run details of run " + rs.getLong(1), e);
                    }
                    result.add(new Run(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rows, archive));
                }
            }
            return result;
        });
    }

    private List<Path> archiveFiles() {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(archiveDir)) {
            return files;
        }
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(archiveDir, "*message_log-run*.jsonl.gz")) {
            dir.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static long runIdOf(Path file) {
        String name = file.getFileName().toString();
        int start = name.indexOf("-run") + 4;
        int end = name.indexOf('-', start);
        return Long.parseLong(name.substring(start, end));
    }

    /** The rows of an archive; a file cut short (its writer was killed mid-batch) is noted and read up to the cut. */
    private static List<JsonNode> read(Path file, List<String> truncated) {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file));
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    rows.add(json.readTree(line));
                }
            }
        } catch (java.io.EOFException | com.fasterxml.jackson.core.JsonProcessingException e) {
            truncated.add(file.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read archive " + file, e);
        }
        return rows;
    }
}
