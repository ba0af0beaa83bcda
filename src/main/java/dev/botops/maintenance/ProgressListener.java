package dev.botops.maintenance;

/** Told about cleanup progress; called on the maintenance thread, so it must return quickly. */
@FunctionalInterface
public interface ProgressListener {
    void progress(CleanupProgress progress);
}
