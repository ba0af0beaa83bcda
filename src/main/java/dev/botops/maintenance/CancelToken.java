package dev.botops.maintenance;

import java.util.concurrent.atomic.AtomicBoolean;

/** Asks a running cleanup to stop after the batch in flight; checked between batches, never mid-transaction. */
public final class CancelToken {
    private final AtomicBoolean cancelled = new AtomicBoolean();

    public void cancel() {
        cancelled.set(true);
    }

    public boolean cancelled() {
        return cancelled.get();
    }
}
