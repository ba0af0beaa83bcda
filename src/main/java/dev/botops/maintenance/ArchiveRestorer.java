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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads an archive file back into a table, idempotently: restoring the same file twice adds nothing the second
 * time. Each JSON line becomes a row via {@code json_populate_recordset}, so columns match by name (columns the
 * archive lacks get NULL; keys the table lacks are ignored).
 *
 * <ul>
 *   <li>A table with a primary key or a unique index: {@code ON CONFLICT DO NOTHING}, so a row whose key is already
 *       there is skipped (this also absorbs the rare duplicate of the at-least-once archive).</li>
 *   <li>A table with neither: a row counts as already present when a row identical in every column is in the table,
 *       and identical rows of the archive are restored once. Each chunk of rows reads the table once to compare.</li>
 * </ul>
 *
 * <p>The same can be done with psql; docs/maintenance.md shows how.
 */
public final class ArchiveRestorer {
    private static final Logger log = LoggerFactory.getLogger(ArchiveRestorer.class);
    private static final int CHUNK = 1_000;
    private static final Work RESTORE = new Work("restore", Duration.ofMinutes(10), Duration.ofSeconds(5));
    /** {@code <schema>.<table>-run<id>-<UTC time>.jsonl.gz}, as {@link RetentionCleaner} names an archive. */
    private static final Pattern FILE_NAME = Pattern.compile("(.+)-run\\d+-\\d{8}T\\d{6}Z\\.jsonl\\.gz");

    /**
     * What a restore did.
     *
     * @param rowsInArchive  complete rows the file holds
     * @param alreadyPresent rows skipped because the table already had them (or, keyless, an identical one)
     * @param keyed          the table has a primary key or unique index (see the class comment for tables without)
     * @param cutShort       the file ends in a batch the archiving process did not finish writing (ignored)
     */
    public record RestoreReport(Path file, String table, long rowsInArchive, long restored, long alreadyPresent, boolean keyed,
                                boolean cutShort) {
    }

    private final Database db;

    public ArchiveRestorer(Database db) {
        this.db = db;
    }

    /**
     * Inserts the archived rows into {@code table} (as in SQL, e.g. {@code public.message_log}), or, when empty, into the
     * table the file was archived from (its name says). Throws {@link IllegalArgumentException} for a file that is no
     * archive, and {@link TableRefusedException} for a table maintenance does not act on ({@link UserTables}).
     */
    public RestoreReport restore(Path file, Optional<String> table) {
        Archive archive = read(file);
        String name = table.filter(t -> !t.isBlank()).orElseGet(() -> tableOf(file).orElseThrow(() -> new IllegalArgumentException(
                "Cannot tell from its name which table " + file.getFileName() + " was archived from (BotOps names archives "
                        + "<schema>.<table>-run<id>-<time>.jsonl.gz); name the table with --into.")));
        Target target = db.withConnection(RESTORE, c -> target(c, name));
        long restored = 0;
        for (int from = 0; from < archive.lines.size(); from += CHUNK) {
            String chunk = archive.lines.subList(from, Math.min(archive.lines.size(), from + CHUNK)).stream()
                    .collect(Collectors.joining(",", "[", "]"));
            restored += db.inIdempotentTransaction(RESTORE, c -> {
                try (PreparedStatement ps = c.prepareStatement(target.insert)) {
                    ps.setString(1, chunk);
                    return ps.executeUpdate();
                }
            });
        }
        RestoreReport report = new RestoreReport(file, target.table.display(), archive.lines.size(), restored,
                archive.lines.size() - restored, target.keyed, archive.cutShort);
        log.info("Restored {} of {} archived row(s) from {} into {} ({} already present)", restored, archive.lines.size(), file,
                target.table, report.alreadyPresent());
        return report;
    }

    /** The table an archive's file name says it came from ({@code public.message_log} for {@code public.message_log-run42-…}). */
    static Optional<String> tableOf(Path file) {
        Matcher m = FILE_NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return Optional.empty();
        }
        String display = m.group(1);
        int dot = display.indexOf('.');
        return dot <= 0 ? Optional.empty() : Optional.of(new TableRef(display.substring(0, dot), display.substring(dot + 1)).quoted());
    }

    /** The table to restore into and the statement that does it. */
    private record Target(TableRef table, boolean keyed, String insert) {
    }

    private static Target target(Connection c, String name) throws SQLException {
        TableRef table = UserTables.require(c, name);
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 "
                + "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(TableRef.quote(rs.getString(1)));
                }
            }
        }
        boolean keyed;
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_index WHERE indrelid = to_regclass(?) AND indisunique)")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                keyed = rs.getBoolean(1);
            }
        }
        String list = String.join(", ", columns);
        String rows = "json_populate_recordset(NULL::" + table.quoted() + ", ?::json) r";
        String insert = "INSERT INTO " + table.quoted() + " (" + list + ") OVERRIDING SYSTEM VALUE ";
        if (keyed) {
            insert += "SELECT " + prefixed("r", columns) + " FROM " + rows + " ON CONFLICT DO NOTHING";
        } else {
            // Rows compared as text: every type has a text form, not every type has an equality operator (json, point).
            String archived = "ROW(" + prefixed("r", columns) + ")::text";
            insert += "SELECT DISTINCT ON (" + archived + ") " + prefixed("r", columns) + " FROM " + rows + " WHERE NOT EXISTS (SELECT 1 FROM "
                    + table.quoted() + " t WHERE ROW(" + prefixed("t", columns) + ")::text = " + archived + ")";
        }
        return new Target(table, keyed, insert);
    }

    private static String prefixed(String alias, List<String> columns) {
        return columns.stream().map(col -> alias + "." + col).collect(Collectors.joining(", "));
    }

    /** The complete rows of an archive file. */
    private record Archive(List<String> lines, boolean cutShort) {
    }

    private static Archive read(Path file) {
        List<String> lines = new ArrayList<>();
        boolean cutShort = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                if (!line.startsWith("{") || !line.endsWith("}")) {
                    throw new IllegalArgumentException(file + " is not a BotOps archive: line " + (lines.size() + 1)
                            + " is not a JSON object (an archive holds one row per line, as row_to_json prints it).");
                }
                lines.add(line);
            }
        } catch (EOFException e) {
            cutShort = true;
            log.warn("Archive {} ends in a partly written batch (the process stopped while writing it); {} complete row(s) read",
                    file, lines.size());
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("No archive file " + file.toAbsolutePath() + ".", e);
        } catch (ZipException e) {
            throw new IllegalArgumentException(file + " is not a BotOps archive (gzip-compressed JSON Lines): " + e.getMessage() + ".", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the archive " + file + ": " + e.getMessage(), e);
        }
        return new Archive(List.copyOf(lines), cutShort);
    }

    /** The archived rows; a last gzip member cut short by a crash is ignored (its batch did not commit). */
    static List<String> readLines(Path file) {
        try {
            return read(file).lines;
        } catch (IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException(e.getMessage(), e));
        }
    }
}
