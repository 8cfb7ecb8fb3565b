package io.drkit.s3;

import java.nio.file.Path;

/**
 * Receives the progress of image restores ({@link VolumeImageRestorer}). Methods have no-op defaults, must be fast and
 * must not throw (exceptions are caught and logged). {@link #progress} is called after every block from the worker
 * threads, one call at a time (never concurrently), with counters that only grow.
 */
public interface ImageRestoreListener {
    /** A listener that ignores everything. */
    ImageRestoreListener NONE = new ImageRestoreListener() { };

    /**
     * A restore is about to write blocks.
     *
     * @param volumeName  volume
     * @param backupName  backup
     * @param imageSize   bytes of the image
     * @param blocksTotal blocks the backup lists
     * @param destination the file or channel written
     */
    default void restoreStarted(String volumeName, String backupName, long imageSize, long blocksTotal, String destination) {
    }

    /**
     * Before creating its temporary file, a restore to a file found a partial file that an earlier restore to the same
     * target left behind ({@code .<name>.<pid>-….drkit-partial}): removed when the process that wrote it is gone (it
     * was killed), kept when that restore still runs or cannot be judged (another host or container, an older drkit).
     *
     * @param file    the partial file
     * @param removed whether it was removed
     * @param detail  why, for people ("its restore (process 4242) was interrupted and is gone")
     */
    default void leftoverPartialFile(Path file, boolean removed, String detail) {
    }

    /** Another block is done. */
    default void progress(RestoreProgress progress) {
    }

    /** Salvage mode: a missing or corrupt block was written as zeros. */
    default void blockDamaged(String volumeName, String backupName, DamagedBlock block) {
    }

    /** The restore finished and its image is in place. */
    default void restoreFinished(ImageRestoreResult result) {
    }
}
