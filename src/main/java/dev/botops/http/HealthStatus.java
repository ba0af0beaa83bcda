package dev.botops.http;

import dev.botops.monitor.Severity;

/** The verdict of {@code /health}: UP and WARN answer 200, DOWN answers 503 so that any monitor notices it. */
public enum HealthStatus {
    UP(200), WARN(200), DOWN(503);

    private final int httpStatus;

    HealthStatus(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** A warning alert makes WARN; a critical one makes DOWN (the bot or its database is failing now). */
    static HealthStatus of(Severity severity) {
        switch (severity) {
            case CRITICAL:
                return DOWN;
            case WARNING:
                return WARN;
            default:
                return UP;
        }
    }

    HealthStatus worst(HealthStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
