package dev.botops.maintenance;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The archive of one table in one run: gzip-compressed JSON Lines, one row per line as PostgreSQL's
 * {@code row_to_json} prints it. Each batch is written as its own gzip member (a file of concatenated members
 * is one valid gzip stream to {@code zcat} and {@link GZIPInputStream}) and forced to disk
 * before its transaction commits.
 *
 * <p>Delivery is at least once: a batch whose transaction rolls back is cut off the file again, but if the
 * process dies after the write and before COMMIT returns (or the commit's outcome is unknown), the rows stay
 * in the file and, if the commit did not happen, are archived again by the next run. Losing an archived row
 * is worse than archiving it twice, and the restore recipe skips duplicates on tables with a key.
 */
final class ArchiveFile implements Closeable {
    private final Path path;
    private final FileChannel channel;
    private long committedSize;
    private long rows;
    /** Rows of the batch written but not yet known to be committed. */
    private long pending;

    private ArchiveFile(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    static ArchiveFile create(Path path) {
        try {
            Files.createDirectories(path.getParent());
            return new ArchiveFile(path, FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the archive file " + path + ": " + e.getMessage(), e);
        }
    }

    Path path() {
        return path;
    }

    /** Rows whose batches committed (or may have: commit outcome unknown). */
    long rows() {
        return rows;
    }

    /** Writes one batch's rows as a gzip member and forces it to disk; replaces whatever an earlier attempt left. */
    void writeBatch(List<String> jsonLines) {
        try {
            channel.truncate(committedSize);
            channel.position(committedSize);
            ByteArrayOutputStream member = new ByteArrayOutputStream();
            try (Writer w = new OutputStreamWriter(new GZIPOutputStream(member), StandardCharsets.UTF_8)) {
                for (String line : jsonLines) {
                    w.write(line);
                    w.write('\n');
                }
            }
            ByteBuffer buffer = ByteBuffer.wrap(member.toByteArray());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
            pending = jsonLines.size();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing the archive file " + path + " failed: " + e.getMessage(), e);
        }
    }

    /** The batch committed (or may have): its rows stay in the file. */
    void batchCommitted() {
        try {
            committedSize = channel.position();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        rows += pending;
        pending = 0;
    }

    /** The batch rolled back: its rows still sit in the table, so they leave the file again. */
    void batchRolledBack() {
        pending = 0;
        try {
            channel.truncate(committedSize);
        } catch (IOException e) {
            throw new UncheckedIOException("Truncating the archive file " + path + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
        if (committedSize == 0) {
            Files.deleteIfExists(path);
        }
    }
}
