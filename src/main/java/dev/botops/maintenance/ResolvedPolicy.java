package dev.botops.maintenance;

/**
 * A policy checked against the catalog: the table it really names and how its rows go.
 *
 * @param columnType the column's SQL type as the catalog prints it (a timestamp or date type)
 */
public record ResolvedPolicy(RetentionPolicy policy, TableRef table, long tableOid, String columnType, Strategy strategy) {

    /** How expired rows leave the table. */
    public enum Strategy {
        /** Range-partitioned on the policy column: drop whole expired partitions, batch-delete only the boundary ones. */
        PARTITION_DROP,
        /** Partitioned on something else: batched delete inside each partition. */
        BATCHED_PER_PARTITION,
        /** A plain table: batched delete. */
        BATCHED
    }

    public String column() {
        return policy.column();
    }
}
