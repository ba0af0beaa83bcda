package dev.botops.maintenance;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Holds a run inside its first progress report until released, so that it is surely active meanwhile. */
public final class RunGate implements ProgressListener {
    public final CountDownLatch entered = new CountDownLatch(1);
    public final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void progress(CleanupProgress progress) {
        entered.countDown();
        try {
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
