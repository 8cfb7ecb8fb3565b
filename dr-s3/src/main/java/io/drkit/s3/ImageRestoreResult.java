package io.drkit.s3;

import io.drkit.core.model.CompressionMethod;
import io.drkit.core.util.Sizes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What an image restore did: which backup went where, how much was read and written, and, after a salvage restore,
 * every damaged block and range (written as zeros).
 *
 * @param volumeName               volume
 * @param backupName               backup
 * @param backupUrl                the Longhorn backup URL of that backup
 * @param destination              the image file, or a description of the caller's channel
 * @param imageSize                image size in bytes ({@code volume.cfg}'s {@code Size})
 * @param blockSize                block size of the backup
 * @param compression              codec the backup records for its blocks
 * @param blocksListed             blocks the backup lists
 * @param blocksRestored           listed blocks written with their data (all zero blocks included)
 * @param zeroBlocks               listed blocks whose checksum is that of an all-zero block: written as zeros without
 *                                 a download (their content is fixed by their name)
 * @param bytesDownloaded          stored (compressed) bytes downloaded
 * @param codecFallbacks           blocks stored in another codec than recorded, decoded anyway (Longhorn #7687)
 * @param damagedBlocks            salvage mode: blocks written as zeros because they are missing or corrupt
 * @param damagedRanges            the same as merged image ranges
 * @param backingImageName         the backing image {@code volume.cfg} records, if any
 * @param baseImage                the base file laid under the blocks, if one was given
 * @param baseImageChecksumMatches whether that file's SHA-512 is the one {@code volume.cfg} records (empty when either
 *                                 is absent)
 * @param lockName                 the backupstore lock held during the restore, if the restorer takes one
 * @param workers                  blocks in flight at once
 * @param elapsed                  wall time of the whole restore
 */
public record ImageRestoreResult(String volumeName, String backupName, String backupUrl, String destination,
                                 long imageSize, int blockSize, CompressionMethod compression, long blocksListed,
                                 long blocksRestored, long zeroBlocks, long bytesDownloaded, long codecFallbacks,
                                 List<DamagedBlock> damagedBlocks, List<ByteRange> damagedRanges,
                                 Optional<String> backingImageName, Optional<Path> baseImage,
                                 Optional<Boolean> baseImageChecksumMatches, Optional<String> lockName, int workers,
                                 Duration elapsed) {

    /** Copies the lists. */
    public ImageRestoreResult {
        Objects.requireNonNull(volumeName, "volumeName");
        Objects.requireNonNull(backupName, "backupName");
        damagedBlocks = List.copyOf(damagedBlocks);
        damagedRanges = List.copyOf(damagedRanges);
        backingImageName = Objects.requireNonNullElse(backingImageName, Optional.empty());
        baseImage = Objects.requireNonNullElse(baseImage, Optional.empty());
        baseImageChecksumMatches = Objects.requireNonNullElse(baseImageChecksumMatches, Optional.empty());
        lockName = Objects.requireNonNullElse(lockName, Optional.empty());
    }

    /** Whether every listed block was restored with its data (nothing salvaged). */
    public boolean intact() {
        return damagedBlocks.isEmpty();
    }

    /**
     * Whether the volume has a backing image that was not laid under the blocks: the image then holds zeros where the
     * volume showed backing-image data.
     */
    public boolean lacksBaseImage() {
        return backingImageName.isPresent() && baseImage.isEmpty();
    }

    /** Image bytes of the restored blocks. */
    public long bytesRestored() {
        return blocksRestored * blockSize;
    }

    /** Average restore rate in MiB per second of restored image data. */
    public double mibPerSecond() {
        double s = elapsed.toNanos() / 1e9;
        return s <= 0 ? 0 : bytesRestored() / s / (1 << 20);
    }

    /** One line for humans. */
    public String summary() {
        String s = String.format(Locale.ROOT, "restored backup %s of volume %s to %s: %s image, %d of %d blocks "
                        + "(%d zero), %s downloaded, %.1f MiB/s", backupName, volumeName, destination,
                Sizes.human(imageSize), blocksRestored, blocksListed, zeroBlocks, Sizes.human(bytesDownloaded),
                mibPerSecond());
        if (!intact()) {
            s += String.format(Locale.ROOT, "; SALVAGED: %d damaged blocks written as zeros in %d ranges",
                    damagedBlocks.size(), damagedRanges.size());
        }
        if (lacksBaseImage()) {
            s += "; backing image " + backingImageName.get() + " not applied";
        }
        return s;
    }
}
