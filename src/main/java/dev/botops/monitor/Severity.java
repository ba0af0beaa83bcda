package dev.botops.monitor;

/** Alert severity, lowest to highest. */
public enum Severity {
    INFO, WARNING, CRITICAL
}
