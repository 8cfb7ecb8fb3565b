package io.drkit.s3.internal;

import io.drkit.core.InvalidBackupDataException;

/**
 * The bounds a backupstore's numbers must keep before dr-s3 allocates or computes anything from them, in one place
 * (the JSON bounds of the cfgs themselves are {@link io.drkit.core.JsonLimits#BACKUPSTORE_CFG}). Every check throws
 * {@link InvalidBackupDataException} naming the field, the value, the bound and the object key, so a catalog skips the
 * entry ({@code INVALID_DATA}) and a restore or verification reports it, instead of overflowing or running out of
 * memory. Documented in the module README ("Limits").
 */
public final class StoreLimits {
    /**
     * Largest volume {@code Size} accepted: 256 TiB. Longhorn sets no maximum of its own for v1 volumes (a replica is
     * a sparse file, so the node's file system bounds it: 16 TiB on ext4); 256 TiB keeps every per-volume structure
     * small (at most {@link #MAX_BLOCKS} block slots).
     */
    public static final long MAX_VOLUME_SIZE = 256L << 40;
    /** Smallest {@code backup-block-size} accepted: 4 KiB (the block size of Longhorn's backupstore library's tests). */
    public static final long MIN_BLOCK_SIZE = 4L << 10;
    /**
     * Largest {@code backup-block-size} accepted: 16 MiB. Longhorn's manager writes only 2 MiB (the default, also when
     * the parameter is missing or 0) and 16 MiB ({@code types.ValidateBackupBlockSize} in longhorn-manager).
     */
    public static final long MAX_BLOCK_SIZE = 16L << 20;
    /** Most block slots ({@code Size / block size}) a volume may have: 2^27, 256 TiB of 2 MiB blocks. */
    public static final long MAX_BLOCKS = 1L << 27;

    private StoreLimits() {
    }

    /**
     * Checks a volume size from {@code volume.cfg}.
     *
     * @throws InvalidBackupDataException when negative or larger than {@link #MAX_VOLUME_SIZE}
     */
    public static long volumeSize(long size, String location) {
        if (size < 0) {
            throw new InvalidBackupDataException(location, "volume.cfg Size " + size + " is negative");
        }
        if (size > MAX_VOLUME_SIZE) {
            throw new InvalidBackupDataException(location, "volume.cfg Size " + size + " is larger than the largest volume "
                    + "dr-s3 accepts (" + MAX_VOLUME_SIZE + " bytes, 256 TiB)");
        }
        return size;
    }

    /**
     * Checks a byte count that must not be negative ({@code Size}, {@code BlockCount}, uploaded sizes of a cfg).
     *
     * @throws InvalidBackupDataException when negative
     */
    public static long nonNegative(long value, String field, String location) {
        if (value < 0) {
            throw new InvalidBackupDataException(location, field + " " + value + " is negative");
        }
        return value;
    }

    /**
     * Checks a block size in bytes (from {@code backup-block-size}).
     *
     * @throws InvalidBackupDataException when it is not a power of two from {@link #MIN_BLOCK_SIZE} to
     *                                    {@link #MAX_BLOCK_SIZE}
     */
    public static int blockSize(long bytes, String raw, String location) {
        if (bytes < MIN_BLOCK_SIZE || bytes > MAX_BLOCK_SIZE || Long.bitCount(bytes) != 1) {
            throw new InvalidBackupDataException(location, "backup-block-size '" + raw + "' (" + bytes + " bytes) is not "
                    + "a block size Longhorn writes (2 MiB or 16 MiB); dr-s3 accepts powers of two from 4 KiB to 16 MiB");
        }
        return (int) bytes;
    }

    /**
     * Checks a volume size against a block size: a positive multiple of it, with at most {@link #MAX_BLOCKS} slots.
     *
     * @throws InvalidBackupDataException naming both
     */
    public static long slots(long volumeSize, int blockSize, String location) {
        volumeSize(volumeSize, location);
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
            throw new InvalidBackupDataException(location, "block size " + blockSize + " is not a power of two from "
                    + MIN_BLOCK_SIZE + " to " + MAX_BLOCK_SIZE + " bytes");
        }
        if (volumeSize == 0 || volumeSize % blockSize != 0) {
            throw new InvalidBackupDataException(location, "volume.cfg records a volume size of " + volumeSize
                    + " bytes, not a positive multiple of the block size " + blockSize + " (Longhorn refuses to restore it)");
        }
        long slots = volumeSize / blockSize;
        if (slots > MAX_BLOCKS) {
            throw new InvalidBackupDataException(location, "a volume of " + volumeSize + " bytes has " + slots
                    + " blocks of " + blockSize + " bytes, more than the " + MAX_BLOCKS + " dr-s3 accepts");
        }
        return slots;
    }

    /**
     * Checks one {@code Blocks} entry's offset: not negative, a multiple of the block size, and the block inside the
     * volume (computed without overflow).
     *
     * @param entry the entry's index in the list, for the message
     * @throws InvalidBackupDataException naming the entry, the offset and the bound
     */
    public static long offset(long offset, long entry, int blockSize, long volumeSize, String location) {
        if (offset < 0) {
            throw new InvalidBackupDataException(location, "Blocks entry " + entry + ": Offset " + offset + " is negative");
        }
        if (offset % blockSize != 0) {
            throw new InvalidBackupDataException(location, "Blocks entry " + entry + ": offset " + offset
                    + " is not a multiple of the block size " + blockSize);
        }
        if (offset > volumeSize - blockSize) {
            throw new InvalidBackupDataException(location, "Blocks entry " + entry + ": block at offset " + offset
                    + " lies beyond the volume size " + volumeSize + " recorded in volume.cfg");
        }
        return offset;
    }
}
