package dev.botops.maintenance;

import java.util.concurrent.CompletableFuture;

/**
 * The immediate answer to a request to start a run.
 *
 * @param runId      the new run's id when started, else 0
 * @param reason     why it did not start, for people; {@code null} when started
 * @param completion completes with the run's report when it ends; {@code null} when not started
 */
public record StartResult(Status status, long runId, String reason, CompletableFuture<RunReport> completion) {

    /** Whether the run started, and if not, whether because another run is active. */
    public enum Status {
        STARTED,
        /** Another run is active in this instance or holds the database lock in another one. */
        BUSY,
        /** It could not start: the database did not answer, maintenance is shutting down, ... */
        REFUSED,
        /**
         * The request itself is wrong: it names a table maintenance does not act on (a system catalog, another role's
         * table, one that does not exist) or that no retention policy covers. Bad usage: 400, exit code 2.
         */
        INVALID
    }

    public boolean started() {
        return status == Status.STARTED;
    }

    static StartResult started(long runId, CompletableFuture<RunReport> completion) {
        return new StartResult(Status.STARTED, runId, null, completion);
    }

    static StartResult busy(String reason) {
        return new StartResult(Status.BUSY, 0, reason, null);
    }

    static StartResult refused(String reason) {
        return new StartResult(Status.REFUSED, 0, reason, null);
    }

    static StartResult invalid(String reason) {
        return new StartResult(Status.INVALID, 0, reason, null);
    }
}
