package io.drkit.s3.internal;

import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.util.FrozenMap;
import java.util.Map;
import java.util.Objects;

/**
 * A parsed {@code volume.cfg} (Longhorn's {@code backupstore.Volume}), with Longhorn's load defaults applied:
 * compression {@code gzip} and data engine {@code v1} when missing. Strings are already un-double-encoded.
 *
 * @param name                 volume name
 * @param size                 volume size in bytes at the latest backup (the restore image size)
 * @param labels               labels of the latest backup (never null)
 * @param createdTime          raw {@code CreatedTime}
 * @param lastBackupName       the pointer to the latest backup (may be empty or stale)
 * @param lastBackupAt         raw {@code LastBackupAt}
 * @param blockCount           approximate number of blocks
 * @param backingImageName     backing image name or empty
 * @param backingImageChecksum backing image checksum or empty
 * @param compressionMethod    raw compression name, {@code gzip} when missing
 * @param storageClassName     storage class or empty
 * @param dataEngine           {@code v1}/{@code v2}
 */
public record VolumeConfig(String name, long size, Map<String, String> labels, String createdTime, String lastBackupName,
                           String lastBackupAt, long blockCount, String backingImageName, String backingImageChecksum,
                           String compressionMethod, String storageClassName, String dataEngine) {

    /** Replaces nulls with Longhorn's defaults and copies the labels. */
    public VolumeConfig {
        name = Objects.requireNonNullElse(name, "");
        labels = FrozenMap.copyOf(labels);
        createdTime = Objects.requireNonNullElse(createdTime, "");
        lastBackupName = Objects.requireNonNullElse(lastBackupName, "");
        lastBackupAt = Objects.requireNonNullElse(lastBackupAt, "");
        backingImageName = Objects.requireNonNullElse(backingImageName, "");
        backingImageChecksum = Objects.requireNonNullElse(backingImageChecksum, "");
        compressionMethod = compressionMethod == null || compressionMethod.isEmpty() ? "gzip" : compressionMethod;
        storageClassName = Objects.requireNonNullElse(storageClassName, "");
        dataEngine = dataEngine == null || dataEngine.isEmpty() ? "v1" : dataEngine;
    }

    /** The compression of every block of this volume. */
    public CompressionMethod compression() {
        return CfgParser.compression(compressionMethod, "volume.cfg of " + name);
    }

    /** What reading this volume's backup cfgs needs of it. */
    public VolumeRef ref() {
        return new VolumeRef(name, size, lastBackupName);
    }

    /** This cfg with {@code volume} as its name (an old cfg without {@code Name} takes its directory's). */
    public VolumeConfig withName(String volume) {
        return new VolumeConfig(volume, size, labels, createdTime, lastBackupName, lastBackupAt, blockCount,
                backingImageName, backingImageChecksum, compressionMethod, storageClassName, dataEngine);
    }

    /** The dr-core value; {@code backendId} is the store directory key. */
    public BackupVolume toBackupVolume(String backendId) {
        BackupVolume.Builder b = BackupVolume.builder(name).size(size).labels(labels)
                .createdAt(CfgParser.time(createdTime, "CreatedTime", backendId).orElse(null))
                .lastBackup(lastBackupName.isEmpty() ? null : lastBackupName,
                        CfgParser.time(lastBackupAt, "LastBackupAt", backendId).orElse(null))
                .compression(compression()).dataEngine(dataEngine)
                .storageClassName(storageClassName.isEmpty() ? null : storageClassName)
                .backingImage(backingImageName.isEmpty() ? null : backingImageName,
                        backingImageChecksum.isEmpty() ? null : backingImageChecksum)
                .backendId(backendId);
        return b.build();
    }
}
