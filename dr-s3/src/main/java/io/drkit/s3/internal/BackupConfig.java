package io.drkit.s3.internal;

import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupState;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.util.FrozenMap;
import io.drkit.core.util.Sizes;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The metadata of a {@code backup_<name>.cfg} (Longhorn's {@code backupstore.Backup} without {@code Blocks}), with
 * Longhorn's load defaults applied (compression {@code gzip} when missing).
 *
 * @param name                  backup name
 * @param volumeName            volume name
 * @param snapshotName          snapshot name
 * @param snapshotCreatedAt     raw {@code SnapshotCreatedAt} (backup start)
 * @param createdTime           raw {@code CreatedTime}; empty while in progress or after failure
 * @param size                  logical bytes (blocks x block size)
 * @param labels                labels (never null)
 * @param parameters            parameters (never null)
 * @param incremental           {@code IsIncremental}
 * @param compressionMethod     raw compression name, {@code gzip} when missing
 * @param newlyUploadedDataSize compressed bytes newly uploaded
 * @param reUploadedDataSize    compressed bytes re-uploaded
 * @param hasBlocks             whether a {@code Blocks} field was seen (not read)
 */
public record BackupConfig(String name, String volumeName, String snapshotName, String snapshotCreatedAt,
                           String createdTime, long size, Map<String, String> labels, Map<String, String> parameters,
                           boolean incremental, String compressionMethod, long newlyUploadedDataSize,
                           long reUploadedDataSize, boolean hasBlocks) {

    /** Parameter key of the block size (Longhorn 1.10+). */
    public static final String BLOCK_SIZE_PARAMETER = "backup-block-size";

    /** Replaces nulls and copies maps. */
    public BackupConfig {
        name = Objects.requireNonNullElse(name, "");
        volumeName = Objects.requireNonNullElse(volumeName, "");
        snapshotName = Objects.requireNonNullElse(snapshotName, "");
        snapshotCreatedAt = Objects.requireNonNullElse(snapshotCreatedAt, "");
        createdTime = Objects.requireNonNullElse(createdTime, "");
        labels = FrozenMap.copyOf(labels);
        parameters = FrozenMap.copyOf(parameters);
        compressionMethod = compressionMethod == null || compressionMethod.isEmpty() ? "gzip" : compressionMethod;
    }

    /** Longhorn's {@code isBackupInProgress}: {@code CreatedTime} is empty. */
    public boolean inProgress() {
        return createdTime.isEmpty();
    }

    /** The compression of this backup's blocks. */
    public CompressionMethod compression() {
        return CfgParser.compression(compressionMethod, "backup " + name);
    }

    /**
     * The block size: Kubernetes quantity in {@code backup-block-size}; missing, empty or zero means 2 MiB.
     *
     * @throws InvalidBackupDataException when the parameter is not a quantity, or not a block size Longhorn writes
     *                                    ({@link StoreLimits#blockSize})
     */
    public long blockSize() {
        return blockSize("backup " + name);
    }

    private long blockSize(String location) {
        String v = parameters.get(BLOCK_SIZE_PARAMETER);
        if (v == null || v.isBlank()) {
            return Backup.DEFAULT_BLOCK_SIZE;
        }
        String shown = v.length() > 40 ? v.substring(0, 40) + "..." : v;
        long n = Sizes.tryParseQuantity(v).orElseThrow(() -> new InvalidBackupDataException(location,
                "invalid " + BLOCK_SIZE_PARAMETER + " '" + shown + "'"));
        return n == 0 ? Backup.DEFAULT_BLOCK_SIZE : StoreLimits.blockSize(n, shown, location);
    }

    /**
     * The dr-core value.
     *
     * @param url        the backup URL ({@code null}: none)
     * @param volumeSize the volume size from {@code volume.cfg} (0 when unknown)
     * @param location   the cfg key, for error messages
     * @throws InvalidBackupDataException when a time, the compression or the block size is malformed
     */
    public Backup toBackup(BackupUrl url, long volumeSize, String location) {
        // the canonical constructor, not the builder: it keeps (shares) these already immutable maps instead of
        // copying them, so the backups of a volume hold one copy of their common labels
        return new Backup(name, volumeName, Optional.of(snapshotName),
                CfgParser.time(snapshotCreatedAt, "SnapshotCreatedAt", location),
                CfgParser.time(createdTime, "CreatedTime", location), size, volumeSize, labels,
                inProgress() ? BackupState.IN_PROGRESS : BackupState.COMPLETED, compression(), blockSize(location),
                Optional.ofNullable(url), parameters, Optional.empty());
    }
}
