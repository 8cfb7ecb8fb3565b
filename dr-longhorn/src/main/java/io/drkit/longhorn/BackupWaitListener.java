package io.drkit.longhorn;

/**
 * Receives progress while {@link LonghornClient#awaitBackup} waits for Longhorn to learn a backup. Methods have no-op
 * defaults, must be fast and must not throw.
 */
public interface BackupWaitListener {
    /** A listener that ignores everything. */
    BackupWaitListener NONE = new BackupWaitListener() { };

    /** Still waiting; {@code detail} says for what, for how long, and whether a sync was requested. */
    default void waiting(String detail) {
    }
}
