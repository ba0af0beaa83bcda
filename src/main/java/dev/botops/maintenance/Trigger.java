package dev.botops.maintenance;

/** Who asked for a run; stored in the run log next to the caller's own description. */
public enum Trigger {
    SCHEDULE, MANUAL, CLI, HTTP
}
