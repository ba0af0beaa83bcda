package dev.botops.maintenance;

/**
 * A policy checked against the catalog: the table it really names and how its rows go.
 *
 * @param columnType    the column's SQL type as the catalog prints it (a timestamp or date type)
 * @param operatorTable the table is not one of BotOps' own (it belongs to the bot or another application)
 */
public record ResolvedPolicy(RetentionPolicy policy, TableRef table, long tableOid, String columnType, Strategy strategy,
                             boolean operatorTable) {

    /**
     * Whether deleted rows go to an archive first: as {@code retention.<name>.archive} says; when it says nothing, yes
     * for a table BotOps does not own (the original system's "back up before cleanup"), no for BotOps' own history.
     */
    public boolean archives() {
        return policy.archiveSet() ? policy.archive() : operatorTable;
    }

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
