package dev.botops.maintenance;

import java.util.concurrent.CompletableFuture;

/**
 * The immediate answer to a request to start a run.
 *
 * @param runId      the new run's id when started, else 0
 * @param reason     why it did not start (another run in this instance, another instance holds the lock, ...)
 * @param completion completes with the run's report when it ends; {@code null} when not started
 */
public record StartResult(boolean started, long runId, String reason, CompletableFuture<RunReport> completion) {
    static StartResult started(long runId, CompletableFuture<RunReport> completion) {
        return new StartResult(true, runId, null, completion);
    }

    static StartResult rejected(String reason) {
        return new StartResult(false, 0, reason, null);
    }
}
