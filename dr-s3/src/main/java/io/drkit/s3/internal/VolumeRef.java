package io.drkit.s3.internal;

import io.drkit.core.model.BackupVolume;

/**
 * What reading a volume's backup cfgs needs of the volume: its name, its size (a backup's restore size) and its
 * last-backup pointer (a hint for the newest-backup search; may be empty).
 *
 * @param name           volume name
 * @param size           volume size in bytes
 * @param lastBackupName the pointer of {@code volume.cfg}, or empty
 */
public record VolumeRef(String name, long size, String lastBackupName) {

    /** The volume as a catalog listed it. */
    public static VolumeRef of(BackupVolume v) {
        return new VolumeRef(v.name(), v.size(), v.lastBackupName().orElse(""));
    }
}
