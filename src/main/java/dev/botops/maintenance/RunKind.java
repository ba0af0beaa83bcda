package dev.botops.maintenance;

/** What a maintenance run does. */
public enum RunKind {
    /** Retention cleanup of every enabled policy (or the chosen tables), no time budget. */
    CLEANUP,
    /** The scheduled short cleanup: same work as {@link #CLEANUP}, bounded by {@code maintenance.quick-budget}. */
    QUICK_CLEANUP,
    /** The daily full maintenance: partitions ahead, cleanup of every policy, VACUUM where needed, health report. */
    DAILY,
    /** VACUUM of chosen tables, or of the tables whose dead rows call for it. */
    VACUUM,
    /** Health report: sizes against the quota, tables that need VACUUM, partitions ahead. */
    HEALTH
}
