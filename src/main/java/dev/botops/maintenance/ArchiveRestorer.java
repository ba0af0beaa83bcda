package dev.botops.maintenance;

import dev.botops.db.Database;
import dev.botops.db.Work;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads an archive file back into a table: each JSON line becomes a row via {@code json_populate_record},
 * so columns match by name. {@code ON CONFLICT DO NOTHING} skips rows already present, which also absorbs
 * the rare duplicate of the at-least-once archive on tables with a key. The same can be done with psql;
 * docs/maintenance.md shows how.
 */
public final class ArchiveRestorer {
    private static final Logger log = LoggerFactory.getLogger(ArchiveRestorer.class);
    private static final int CHUNK = 1_000;
    private static final Work RESTORE = new Work("restore", Duration.ofMinutes(10), Duration.ofSeconds(5));

    private final Database db;

    public ArchiveRestorer(Database db) {
        this.db = db;
    }

    /** Inserts the archived rows into {@code table} (name as in SQL, e.g. {@code public.message_log}); returns rows inserted. */
    public long restore(Path file, String table) {
        List<String> lines = readLines(file);
        long inserted = 0;
        for (int from = 0; from < lines.size(); from += CHUNK) {
            List<String> chunk = lines.subList(from, Math.min(lines.size(), from + CHUNK));
            inserted += db.inTransaction(RESTORE, c -> {
                String target = regclass(c, table);
                int count = 0;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + target + " SELECT * FROM json_populate_record(NULL::"
                        + target + ", ?::json) ON CONFLICT DO NOTHING")) {
                    for (String line : chunk) {
                        ps.setString(1, line);
                        ps.addBatch();
                    }
                    for (int n : ps.executeBatch()) {
                        count += Math.max(n, 0);
                    }
                }
                return count;
            });
        }
        log.info("Restored {} of {} archived row(s) from {} into {}", inserted, lines.size(), file, table);
        return inserted;
    }

    /** The table's name, resolved as the operator's table names are ({@link Catalog#relation}) and quoted, so safe to splice. */
    private static String regclass(Connection c, String table) throws SQLException {
        return Catalog.relation(c, table).map(r -> r.table().quoted())
                .orElseThrow(() -> new IllegalArgumentException("Cannot restore into '" + table + "': no such table."));
    }

    /** The archived rows; a last gzip member cut short by a crash is ignored (its batch did not commit). */
    static List<String> readLines(Path file) {
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        } catch (EOFException e) {
            log.warn("Archive {} ends in a partly written batch (the process stopped while writing it); {} complete row(s) read",
                    file, lines.size());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the archive " + file + ": " + e.getMessage(), e);
        }
        return lines;
    }
}
