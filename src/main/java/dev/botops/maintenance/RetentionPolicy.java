package dev.botops.maintenance;

import java.time.Duration;
import java.time.Instant;

/**
 * One retention rule, as data: rows of {@code table} whose {@code column} is older than {@code maxAge} go.
 *
 * @param name      the key under {@code retention.<name>.*}
 * @param table     table name, optionally schema-qualified; resolved against the catalog at start
 * @param maxAge    {@code null} only for a disabled policy that never had an age (trades by default)
 * @param batchSize the first batch size of a batched cleanup; later batches adapt to the target duration
 * @param archive   write deleted rows to a gzip JSON Lines file before their batch commits
 * @param archiveSet whether {@code archive} was chosen ({@code retention.<name>.archive}); when not, the table decides
 *                  ({@link ResolvedPolicy#archives()}: the rows of a table BotOps does not own are archived)
 */
public record RetentionPolicy(String name, String table, String column, Duration maxAge, int batchSize,
                              boolean archive, boolean enabled, boolean archiveSet) {

    /** A policy whose archive flag counts as chosen only when it is on (off leaves it to the table). */
    public RetentionPolicy(String name, String table, String column, Duration maxAge, int batchSize, boolean archive, boolean enabled) {
        this(name, table, column, maxAge, batchSize, archive, enabled, archive);
    }

    /** Rows strictly older than this instant expire; a row exactly at the cutoff survives. */
    public Instant cutoff(Instant now) {
        return now.minus(maxAge);
    }
}
