package dev.botops.maintenance;

import java.time.Instant;

/**
 * A leaf partition of a range-partitioned table.
 *
 * @param lower inclusive lower bound; {@code null} for the DEFAULT partition or a MINVALUE/unparsed bound
 * @param upper exclusive upper bound; {@code null} likewise
 */
public record Partition(TableRef table, Instant lower, Instant upper, boolean isDefault, long bytes) {
    /** Every row this partition can hold is older than the cutoff, so the whole partition can go. */
    public boolean expiredBefore(Instant cutoff) {
        return upper != null && !upper.isAfter(cutoff);
    }

    /** Some rows may be older than the cutoff: the default partition, unbounded ones, and the boundary one. */
    public boolean mayHoldRowsBefore(Instant cutoff) {
        return lower == null || lower.isBefore(cutoff);
    }
}
