package io.drkit.s3.internal;

import io.drkit.core.Cancellation;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.ObjectSource;
import java.util.Arrays;

/**
 * One backup's image as a sequence of block slots, for readers that want any block on demand rather than all of them
 * in order (the NBD server): "read block {@code i} of this backup". The {@code Blocks} list is read once, checked by
 * {@link BlockEntryCheck} exactly as a restore checks it, and kept as a sorted slot index over a {@link BlockTable}
 * of the distinct blocks (about 60 to 110 bytes per listed block); a block is then fetched, decoded and
 * SHA-512-verified by the same {@link BlockFetcher} a restore and a full verification use. An unlisted slot is a
 * hole and a block named by the all-zero checksum is zeros: neither needs a request. Immutable after loading, so
 * thread-safe; each caller brings its own {@link BlockFetcher.Workspace}.
 */
public final class BackupBlocks {
    /** {@link #id(long)} of a slot the backup does not list: zeros (a hole in the image). */
    public static final int HOLE = -1;
    /** {@link #id(long)} of a slot listed with the checksum of an all-zero block: zeros, nothing to download. */
    public static final int ZERO = -2;

    private final BackupstoreLayout layout;
    private final BlockFetcher fetcher;
    private final String volumeName;
    private final String backupName;
    private final CompressionMethod compression;
    private final int blockSize;
    private final long size;
    private final int[] slots;
    private final int[] ids;
    private final BlockTable table;

    private BackupBlocks(BackupstoreLayout layout, BlockFetcher fetcher, BackupVolume volume, Backup backup, int blockSize,
                         int[] slots, int[] ids, BlockTable table) {
        this.layout = layout;
        this.fetcher = fetcher;
        this.volumeName = volume.name();
        this.backupName = backup.name();
        this.compression = backup.compression();
        this.blockSize = blockSize;
        this.size = volume.size();
        this.slots = slots;
        this.ids = ids;
        this.table = table;
    }

    /**
     * Reads and checks the block list of {@code backup} (one streaming GET of its cfg). The image is
     * {@code volume.cfg}'s {@code Size} bytes, as a restore writes it.
     *
     * @throws InvalidBackupDataException when the cfg or one of its entries is malformed, or the block size is
     *                                    larger than {@link RestoreRun#MAX_BLOCK_SIZE}
     * @throws io.drkit.core.NotFoundException when the cfg is gone
     * @throws io.drkit.core.CancelledException when cancelled
     */
    public static BackupBlocks load(ObjectSource source, BackupstoreLayout layout, BlockFetcher fetcher,
                                    BackupVolume volume, Backup backup, Cancellation cancel) {
        String cfgKey = layout.backupCfg(volume.name(), backup.name());
        if (backup.blockSize() > RestoreRun.MAX_BLOCK_SIZE) {
            throw new InvalidBackupDataException(cfgKey, "block size " + backup.blockSize() + " is larger than "
                    + RestoreRun.MAX_BLOCK_SIZE + " bytes");
        }
        int blockSize = (int) backup.blockSize();
        BlockEntryCheck check = new BlockEntryCheck(volume.size(), blockSize, cfgKey);
        byte[] zero = Checksums.zeroBlock(blockSize);
        BlockTable table = new BlockTable();
        long[] entries = new long[64]; // slot << 32 | id
        int n = 0;
        try (BlocksReader r = BlocksReader.open(source.get(cfgKey), cfgKey)) {
            while (r.hasNext()) {
                BlockMapping m = r.next();
                byte[] sum = check.check(m);
                int id = Arrays.equals(sum, zero) ? ZERO : table.add(sum, blockSize, (byte) 0, 0, false);
                if (n == entries.length) {
                    entries = Arrays.copyOf(entries, n * 2);
                }
                entries[n++] = (long) check.slot(m.offset()) << 32 | (id & 0xffffffffL);
                if ((n & 0xfff) == 0) {
                    cancel.throwIfCancelled("reading the block list of " + cfgKey);
                }
            }
        }
        if (!check.sorted()) {
            Arrays.sort(entries, 0, n);
        }
        int[] slots = new int[n];
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            slots[i] = (int) (entries[i] >>> 32);
            ids[i] = (int) entries[i];
        }
        return new BackupBlocks(layout, fetcher, volume, backup, blockSize, slots, ids, table);
    }

    /** The image size in bytes (a multiple of the block size). */
    public long size() {
        return size;
    }

    /** The block size in bytes. */
    public int blockSize() {
        return blockSize;
    }

    /** Block slots in the image ({@code size / blockSize}). */
    public long slotCount() {
        return size / blockSize;
    }

    /** Slots the backup lists (the rest are holes). */
    public int listedSlots() {
        return slots.length;
    }

    /** Distinct blocks with data (what would be downloaded to read the whole image). */
    public int distinctBlocks() {
        return table.size();
    }

    /** The volume. */
    public String volumeName() {
        return volumeName;
    }

    /** The backup. */
    public String backupName() {
        return backupName;
    }

    /**
     * The distinct block in slot {@code slot} ({@code offset / blockSize}): an id from 0 to
     * {@link #distinctBlocks()} - 1, shared by every slot holding the same content, or {@link #HOLE} or
     * {@link #ZERO}.
     */
    public int id(long slot) {
        if (slot < 0 || slot >= slotCount()) {
            throw new IndexOutOfBoundsException("slot " + slot + " of " + slotCount());
        }
        int i = Arrays.binarySearch(slots, (int) slot);
        return i < 0 ? HOLE : ids[i];
    }

    /** The checksum (64 hex digits) of block {@code id}. */
    public String checksum(int id) {
        return table.hex(id);
    }

    /** The object key of block {@code id}. */
    public String key(int id) {
        return layout.blockKey(volumeName, table.hex(id));
    }

    /**
     * Downloads, decodes and verifies block {@code id} into {@code ws} (the data is in {@link
     * BlockFetcher.Workspace#data()} when the outcome is {@link BlockFetcher.Status#OK}).
     *
     * @throws io.drkit.core.UnavailableException when the store cannot be read even after retries
     * @throws io.drkit.core.CancelledException   when cancelled between attempts
     */
    public BlockFetcher.Outcome fetch(int id, BlockFetcher.Workspace ws, Cancellation cancel) {
        byte[] sum = new byte[Checksums.LENGTH];
        table.checksum(id, sum);
        String hex = Checksums.hex(sum, 0);
        return fetcher.fetch(layout.blockKey(volumeName, hex), hex, sum, compression, blockSize, ws, cancel);
    }

    @Override
    public String toString() {
        return "BackupBlocks[backup " + backupName + " of volume " + volumeName + ", " + size + " bytes, " + slots.length
                + " of " + slotCount() + " slots listed, " + table.size() + " distinct blocks]";
    }
}
