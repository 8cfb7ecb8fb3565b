package io.drkit.s3.internal;

import io.drkit.core.InvalidInputException;
import io.drkit.core.UnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Where a restored image goes: a file (written as a sparse temporary file next to it, fsynced and renamed into place,
 * removed on failure or cancellation), a block device (written in place: opened for writing, never created, truncated,
 * renamed or removed; checked to be large enough first) or a caller's channel (written in place; the caller owns it).
 * Any other kind of path (directory, character device, FIFO, socket) is refused. Writes are positional and may come
 * from several threads at once. The three kinds are {@link FileTarget}, {@link DeviceTarget} and {@link ChannelTarget}.
 */
public abstract class ImageDestination {
    /** Granularity at which all-zero data is skipped on a destination that already reads as zeros. */
    private static final int SPARSE_CHUNK = 64 << 10;
    private static final byte[] ZEROS = new byte[1 << 20];
    /**
     * Data written between two background syncs. Without them the kernel writes a fresh image back only when the
     * final fsync asks (below its dirty thresholds, gigabytes on a large machine), so the restore would download
     * first and wait for the disk afterwards; syncing as it goes overlaps the two.
     */
    static final long SYNC_EVERY = 64L << 20;

    /** Whether unwritten ranges read as zeros (a new sparse file): then zeros need not be written. */
    public abstract boolean readsAsZeros();

    /** A description for messages and results. */
    public abstract String describe();

    /** Fails early, before anything is downloaded, when the destination cannot be used (an existing file). */
    public void check() {
    }

    /** Creates what is needed to write an image of {@code size} bytes. */
    public abstract void open(long size);

    /** Flushes, syncs and puts the image in place. */
    public abstract void commit();

    /** Gives up after a failure: removes what {@link #open} created; never throws. */
    public abstract void abort();

    /**
     * The restore was cancelled: called at once on the cancelling thread (a signal handler, say), while writers may
     * still be busy, to remove what a cancelled restore must not leave behind even if the process ends right after.
     * {@link #abort()} still follows. Never throws.
     */
    public void cancelled() {
    }

    /** Writes {@code len} bytes at {@code position}. */
    protected abstract void writeAt(byte[] data, int off, int len, long position) throws IOException;

    /**
     * Writes extent pieces that follow each other in the image, from {@code position} on: piece {@code i} is
     * {@code lens[i]} bytes of {@code bufs[i]} from {@code offs[i]}. The default writes them one by one; a destination
     * that can write them as one large write (an aligned direct write) overrides it. Called by one thread at a time per
     * extent, but extents may be written from several threads at once.
     */
    protected void writeGathered(byte[][] bufs, int[] offs, int[] lens, int count, long position) throws IOException {
        long pos = position;
        for (int i = 0; i < count; i++) {
            writeAt(bufs[i], offs[i], lens[i], pos);
            pos += lens[i];
        }
    }

    /** Writes data, skipping all-zero chunks when the destination reads as zeros (keeps the file sparse). */
    public final void write(byte[] data, int len, long position) {
        writeBlocks(new byte[][] {data}, 1, len, position);
    }

    /**
     * Writes {@code count} blocks of {@code len} bytes that lie one after the other in the image from {@code position}
     * on (block {@code i} is the first {@code len} bytes of {@code bufs[i]}), as few large writes as the content
     * allows: all-zero chunks are skipped when the destination reads as zeros (keeps the file sparse), everything
     * else is written in extents that may span blocks.
     */
    public final void writeBlocks(byte[][] bufs, int count, int len, long position) {
        Extent e = new Extent(count);
        try {
            boolean sparse = readsAsZeros();
            long pos = position;
            for (int i = 0; i < count; i++) {
                byte[] data = bufs[i];
                for (int off = 0; off < len; ) {
                    int n = sparse ? Math.min(SPARSE_CHUNK, len - off) : len - off;
                    if (sparse && isZero(data, off, n)) {
                        e.writeOut(this);
                    } else {
                        e.add(data, off, n, pos);
                    }
                    off += n;
                    pos += n;
                }
            }
            e.writeOut(this);
        } catch (IOException ex) {
            throw new UnavailableException("writing " + ((long) count * len) + " bytes at offset " + position + " of "
                    + describe() + " failed: " + ex.getMessage(), ex);
        }
    }

    /** Pieces of data that follow each other in the image, gathered to be written as one extent. */
    private static final class Extent {
        private byte[][] bufs;
        private int[] offs;
        private int[] lens;
        private int count;
        private long start;

        Extent(int capacity) {
            bufs = new byte[Math.max(2, capacity)][];
            offs = new int[bufs.length];
            lens = new int[bufs.length];
        }

        void add(byte[] data, int off, int len, long position) {
            if (count > 0 && bufs[count - 1] == data && offs[count - 1] + lens[count - 1] == off) {
                lens[count - 1] += len;
                return;
            }
            if (count == 0) {
                start = position;
            }
            if (count == bufs.length) {
                bufs = Arrays.copyOf(bufs, count * 2);
                offs = Arrays.copyOf(offs, count * 2);
                lens = Arrays.copyOf(lens, count * 2);
            }
            bufs[count] = data;
            offs[count] = off;
            lens[count] = len;
            count++;
        }

        void writeOut(ImageDestination dest) throws IOException {
            if (count > 0) {
                dest.writeGathered(bufs, offs, lens, count, start);
                Arrays.fill(bufs, 0, count, null);
                count = 0;
            }
        }
    }

    /** Writes {@code len} zero bytes at {@code position}, unless the destination already reads as zeros. */
    public final void zeros(long len, long position) {
        if (readsAsZeros()) {
            return;
        }
        try {
            long done = 0;
            while (done < len) {
                int n = (int) Math.min(ZEROS.length, len - done);
                writeAt(ZEROS, 0, n, position + done);
                done += n;
            }
        } catch (IOException e) {
            throw new UnavailableException("writing zeros at offset " + position + " of " + describe() + " failed: "
                    + e.getMessage(), e);
        }
    }

    private static boolean isZero(byte[] b, int off, int len) {
        int done = 0;
        while (done < len) {
            int n = Math.min(ZEROS.length, len - done);
            if (Arrays.mismatch(b, off + done, off + done + n, ZEROS, 0, n) >= 0) {
                return false;
            }
            done += n;
        }
        return true;
    }

    static void writeFully(FileChannel ch, byte[] data, int off, int len, long position) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(data, off, len);
        long pos = position;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }

    /**
     * The image file or block device at {@code target}: a missing or regular file is written through a temporary file
     * in the same directory and renamed into place (replacing an existing file only with {@code overwrite}); a block
     * device (also through a symbolic link) is written in place and needs {@code overwrite}, as it always exists.
     *
     * @param leftovers told about partial files of earlier restores to the same target
     * @throws InvalidInputException when {@code target} is a directory, a character device, a FIFO, a socket or
     *                               another special file
     */
    public static ImageDestination path(Path target, boolean overwrite, PartialFiles.Report leftovers) {
        return path(target, overwrite, leftovers, FileKind::probe);
    }

    /** {@link #path(Path, boolean, PartialFiles.Report)} with another file-kind check (tests). */
    public static ImageDestination path(Path target, boolean overwrite, PartialFiles.Report leftovers,
                                        Function<Path, FileKind> probe) {
        Path abs = target.toAbsolutePath().normalize();
        FileKind kind = probe.apply(abs);
        return switch (kind) {
            case MISSING, REGULAR -> new FileTarget(abs, overwrite, leftovers, probe);
            case BLOCK_DEVICE -> new DeviceTarget(abs, overwrite, probe);
            default -> throw refused(abs, kind);
        };
    }

    static InvalidInputException refused(Path target, FileKind kind) {
        return new InvalidInputException("cannot restore to " + target + ": it is " + kind.description()
                + "; the output must be a regular file (new or, with overwrite, existing) or a block device");
    }

    /** A caller's channel, written in place and never closed. */
    public static ImageDestination channel(SeekableByteChannel channel, boolean zeroed) {
        return new ChannelTarget(channel, zeroed);
    }
}
