package io.drkit.s3.internal;

import io.drkit.core.InvalidBackupDataException;
import java.util.BitSet;

/**
 * Checks the entries of one backup's {@code Blocks} list as they stream by, the way a restore needs them: each offset
 * a multiple of the block size and inside the volume ({@code volume.cfg}'s {@code Size}), each offset listed once,
 * each checksum 64 lower-case hex digits, every number checked before it is used ({@link StoreLimits}). Remembers
 * which block slots are listed (a bit per block: 64 KiB per TiB of volume at 2 MiB blocks, at most 16 MiB), so that
 * a restore knows the holes. Not thread-safe.
 */
public final class BlockEntryCheck {
    private final long volumeSize;
    private final int blockSize;
    private final String location;
    private final BitSet listed = new BitSet();
    private long count;
    private long previous = -1;
    private boolean sorted = true;

    /**
     * A check for the list in the cfg at {@code location}.
     *
     * @throws InvalidBackupDataException when the volume size is not a positive multiple of the block size (Longhorn
     *                                    refuses to restore such a volume too), or either is beyond
     *                                    {@link StoreLimits} (so the slot bits stay bounded: at most 16 MiB)
     */
    public BlockEntryCheck(long volumeSize, int blockSize, String location) {
        StoreLimits.slots(volumeSize, blockSize, location);
        this.volumeSize = volumeSize;
        this.blockSize = blockSize;
        this.location = location;
    }

    /**
     * Checks one entry and returns its checksum as bytes.
     *
     * @throws InvalidBackupDataException naming the entry and what is wrong with it
     */
    public byte[] check(BlockMapping m) {
        long n = count++;
        StoreLimits.offset(m.offset(), n, blockSize, volumeSize, location);
        if (!Checksums.isValid(m.checksum())) {
            throw new InvalidBackupDataException(location, "Blocks entry " + n + ": checksum '" + m.checksum()
                    + "' is not 64 lower-case hex digits");
        }
        int slot = slot(m.offset());
        if (listed.get(slot)) {
            throw new InvalidBackupDataException(location, "Blocks entry " + n + ": offset " + m.offset()
                    + " is listed twice (the image would be ambiguous)");
        }
        listed.set(slot);
        if (m.offset() < previous) {
            sorted = false;
        }
        previous = m.offset();
        return Checksums.parse(m.checksum());
    }

    /** The block slot ({@code offset / blockSize}) of an offset. */
    public int slot(long offset) {
        return Math.toIntExact(offset / blockSize); // < StoreLimits.MAX_BLOCKS for every checked offset
    }

    /** Slots listed so far (bit {@code offset / blockSize}). */
    public BitSet listed() {
        return listed;
    }

    /** Entries checked so far. */
    public long count() {
        return count;
    }

    /** Whether the offsets came in ascending order (Longhorn sorts them). */
    public boolean sorted() {
        return sorted;
    }

    /** Number of block slots in the volume. */
    public long slots() {
        return volumeSize / blockSize;
    }
}
