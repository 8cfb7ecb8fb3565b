package io.drkit.s3;

import java.time.Duration;

/**
 * A snapshot of a running image restore, as {@link ImageRestoreListener#progress} receives it.
 *
 * @param volumeName      volume
 * @param backupName      backup
 * @param blocksDone      listed blocks written (or salvaged) so far
 * @param blocksTotal     blocks the backup lists
 * @param bytesDone       image bytes of those blocks
 * @param bytesTotal      image bytes of all listed blocks (the rest of the image is holes)
 * @param bytesDownloaded stored (compressed) bytes downloaded so far
 * @param elapsed         time since the blocks started
 */
public record RestoreProgress(String volumeName, String backupName, long blocksDone, long blocksTotal, long bytesDone,
                              long bytesTotal, long bytesDownloaded, Duration elapsed) {

    /** Done as a fraction of the listed blocks, 0 to 1 (1 for a backup that lists none). */
    public double fraction() {
        return blocksTotal == 0 ? 1 : (double) blocksDone / blocksTotal;
    }

    /** Average rate so far in image bytes per second. */
    public double bytesPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : bytesDone / s;
    }

    /** Average rate so far in MiB per second. */
    public double mibPerSecond() {
        return bytesPerSecond() / (1 << 20);
    }
}
