package io.drkit.s3.internal;

import io.drkit.core.Cancellation;
import io.drkit.core.UnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Counts the block slots whose content differs between two backups of one volume, from their spooled {@code Blocks}
 * lists ({@link BlockListSpool}): a slot is changed when it is listed in only one of them, or in both with different
 * checksums; compared slots are those listed in either. Longhorn writes every list sorted by offset
 * ({@code sortBackupBlocks} and the merge in {@code mergeSnapshotMap} of its backupstore library), so the two lists
 * are walked side by side once, holding one entry of each: constant memory whatever the volume's size.
 *
 * <p>A list that is not sorted (not written by Longhorn) is first rewritten into a slot-indexed temporary file (32 bytes
 * at {@code slot × 32} for each listed slot, read back in slot order through the spool's bit set of listed slots): at
 * most 32 bytes per block slot of the volume on disk ({@link StoreLimits#MAX_BLOCKS} slots, a sparse file), nothing more
 * on the heap. The file is deleted before {@link #compare} returns.
 */
public final class BlockListDiff {

    /**
     * What two lists differ by.
     *
     * @param changed  slots listed in one list only, or with different checksums
     * @param compared slots listed in either list
     */
    public record Counts(long changed, long compared) {
    }

    private BlockListDiff() {
    }

    /**
     * Compares two spooled lists of the same block size (both are read from their start; neither is closed).
     *
     * @param blockSize the block size both lists were checked with
     * @throws UnavailableException             when a temporary file cannot be written or read
     * @throws io.drkit.core.CancelledException when cancelled
     */
    public static Counts compare(BlockListSpool newer, BlockListSpool older, int blockSize, Cancellation cancel) {
        newer.rewind();
        older.rewind();
        try (Cursor a = cursor(newer, blockSize, cancel); Cursor b = cursor(older, blockSize, cancel)) {
            byte[] sa = new byte[Checksums.LENGTH];
            byte[] sb = new byte[Checksums.LENGTH];
            long oa = a.next(sa);
            long ob = b.next(sb);
            long changed = 0;
            long compared = 0;
            while (oa >= 0 || ob >= 0) {
                if ((++compared & 0xffff) == 0) {
                    cancel.throwIfCancelled("comparing block lists");
                }
                if (ob < 0 || (oa >= 0 && oa < ob)) {
                    changed++;
                    oa = a.next(sa);
                } else if (oa < 0 || ob < oa) {
                    changed++;
                    ob = b.next(sb);
                } else {
                    if (!Arrays.equals(sa, sb)) {
                        changed++;
                    }
                    oa = a.next(sa);
                    ob = b.next(sb);
                }
            }
            return new Counts(changed, compared);
        }
    }

    /** Entries in ascending offset order. */
    private interface Cursor extends AutoCloseable {
        /** Fills {@code checksum} and returns the next offset, or -1 at the end. */
        long next(byte[] checksum);

        @Override
        void close();
    }

    private static Cursor cursor(BlockListSpool spool, int blockSize, Cancellation cancel) {
        if (spool.sorted()) {
            return new Cursor() {
                @Override
                public long next(byte[] checksum) {
                    return spool.next(checksum);
                }

                @Override
                public void close() {
                    // the spool belongs to the caller
                }
            };
        }
        return SlotFile.of(spool, blockSize, cancel);
    }

    /** An unsorted list rewritten by slot: checksum of slot {@code s} at {@code s × 32}. */
    private static final class SlotFile implements Cursor {
        private final Path file;
        private final FileChannel channel;
        private final BitSet listed;
        private final int blockSize;
        private final ByteBuffer buffer = ByteBuffer.allocate(Checksums.LENGTH);
        private int slot = -1;

        private SlotFile(Path file, FileChannel channel, BitSet listed, int blockSize) {
            this.file = file;
            this.channel = channel;
            this.listed = listed;
            this.blockSize = blockSize;
        }

        static SlotFile of(BlockListSpool spool, int blockSize, Cancellation cancel) {
            Path file;
            try {
                file = Files.createTempFile("drkit-slots-", ".bin");
            } catch (IOException e) {
                throw new UnavailableException("cannot create a temporary file to sort a block list: " + e.getMessage(), e);
            }
            FileChannel ch = null;
            try {
                ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.SPARSE);
                byte[] sum = new byte[Checksums.LENGTH];
                long offset;
                long n = 0;
                while ((offset = spool.next(sum)) >= 0) {
                    if ((++n & 0xffff) == 0) {
                        cancel.throwIfCancelled("sorting a block list");
                    }
                    ByteBuffer b = ByteBuffer.wrap(sum);
                    long pos = offset / blockSize * Checksums.LENGTH;
                    while (b.hasRemaining()) {
                        pos += ch.write(b, pos);
                    }
                }
                SlotFile f = new SlotFile(file, ch, spool.listed(), blockSize);
                ch = null;
                return f;
            } catch (IOException e) {
                throw new UnavailableException("sorting a block list in " + file + " failed: " + e.getMessage(), e);
            } finally {
                if (ch != null) {
                    closeQuietly(ch);
                    BlockListSpool.deleteQuietly(file);
                }
            }
        }

        @Override
        public long next(byte[] checksum) {
            slot = listed.nextSetBit(slot + 1);
            if (slot < 0) {
                return -1;
            }
            buffer.clear();
            long pos = (long) slot * Checksums.LENGTH;
            try {
                while (buffer.hasRemaining()) {
                    int r = channel.read(buffer, pos + buffer.position());
                    if (r < 0) {
                        throw new UnavailableException("sorted block list " + file + " ended early");
                    }
                }
            } catch (IOException e) {
                throw new UnavailableException("reading sorted block list " + file + " failed: " + e.getMessage(), e);
            }
            buffer.flip();
            buffer.get(checksum);
            return (long) slot * blockSize;
        }

        @Override
        public void close() {
            closeQuietly(channel);
            BlockListSpool.deleteQuietly(file);
        }

        private static void closeQuietly(FileChannel c) {
            try {
                c.close();
            } catch (IOException e) {
                // deleting anyway
            }
        }
    }
}
