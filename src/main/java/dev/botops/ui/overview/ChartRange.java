package dev.botops.ui.overview;

import java.time.Duration;

/** The time ranges of the Overview's charts: the last hour from the monitor's memory, longer ones from the persisted samples. */
public enum ChartRange {
    HOUR("1 h", Duration.ofHours(1), true),
    DAY("24 h", Duration.ofHours(24), false),
    WEEK("7 d", Duration.ofDays(7), false),
    MONTH("30 d", Duration.ofDays(30), false);

    private final String label;
    private final Duration length;
    private final boolean inMemory;

    ChartRange(String label, Duration length, boolean inMemory) {
        this.label = label;
        this.length = length;
        this.inMemory = inMemory;
    }

    public String label() {
        return label;
    }

    public Duration length() {
        return length;
    }

    /** True when the range comes from the in-memory ring of snapshots rather than from the database. */
    public boolean inMemory() {
        return inMemory;
    }
}
