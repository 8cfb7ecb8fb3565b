package io.drkit.s3.testing;

/**
 * Which Longhorn release's cfg shape the fixture writer produces: the struct fields of {@code backupstore.Volume}
 * and {@code backupstore.Backup} as vendored by longhorn-engine at each release (field order = Go declaration order).
 */
public enum CfgFormat {
    /** v1.0.0 - v1.1.0: volume {@code Name,Size,CreatedTime,LastBackupName,LastBackupAt,BlockCount}; backup without compression. */
    V1_0,
    /** v1.1.1 - v1.1.x: volume + {@code Labels}, {@code BackingImageName}, {@code BackingImageURL}. */
    V1_1_1,
    /** v1.2.0 - v1.4.x: {@code BackingImageURL} replaced by {@code BackingImageChecksum}. */
    V1_2,
    /** v1.5.0 - v1.5.3: + {@code CompressionMethod}, {@code StorageClassName}; backup + {@code CompressionMethod}, {@code ProcessingBlocks}. */
    V1_5,
    /** v1.6.x (and v1.5.4+): volume + {@code DataEngine}. */
    V1_6,
    /** v1.7.0 - v1.12: backup + {@code Parameters}, {@code NewlyUploadedDataSize}, {@code ReUploadedDataSize}. The current shape. */
    CURRENT;

    /** Whether cfgs of this shape record the compression method (else blocks are gzip). */
    public boolean hasCompression() {
        return compareTo(V1_5) >= 0;
    }

    /** Whether volume.cfg has {@code Labels}. */
    public boolean hasVolumeLabels() {
        return compareTo(V1_1_1) >= 0;
    }

    /** Whether backup cfgs have {@code Parameters} (and so a block size). */
    public boolean hasParameters() {
        return this == CURRENT;
    }
}
