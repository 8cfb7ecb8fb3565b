package io.drkit.s3.internal;

import io.drkit.core.CancelledException;
import io.drkit.core.ConflictException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.UnavailableException;
import io.drkit.core.util.Sizes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a restored image goes: a file (written as a sparse temporary file next to it, fsynced and renamed into place,
 * removed on failure or cancellation), a block device (written in place: opened for writing, never created, truncated,
 * renamed or removed; checked to be large enough first) or a caller's channel (written in place; the caller owns it).
 * Any other kind of path (directory, character device, FIFO, socket) is refused. Writes are positional and may come
 * from several threads at once.
 */
public abstract class ImageDestination {
    private static final Logger LOG = LoggerFactory.getLogger(ImageDestination.class);
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

    /** Writes data, skipping all-zero chunks when the destination reads as zeros (keeps the file sparse). */
    public final void write(byte[] data, int len, long position) {
        try {
            if (!readsAsZeros()) {
                writeAt(data, 0, len, position);
                return;
            }
            int off = 0;
            while (off < len) {
                while (off < len && isZero(data, off, Math.min(SPARSE_CHUNK, len - off))) {
                    off += Math.min(SPARSE_CHUNK, len - off);
                }
                int start = off;
                while (off < len && !isZero(data, off, Math.min(SPARSE_CHUNK, len - off))) {
                    off += Math.min(SPARSE_CHUNK, len - off);
                }
                if (off > start) {
                    writeAt(data, start, off - start, position + start);
                }
            }
        } catch (IOException e) {
            throw new UnavailableException("writing " + len + " bytes at offset " + position + " of " + describe()
                    + " failed: " + e.getMessage(), e);
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

    /**
     * Syncs a file channel in the background every {@link #SYNC_EVERY} bytes written, one sync at a time, so that the
     * disk writes while the restore downloads. A failed sync is reported by {@link #finish()}.
     */
    private static final class BackgroundSync {
        private final FileChannel ch;
        private final String name;
        private final java.util.concurrent.atomic.AtomicLong pending = new java.util.concurrent.atomic.AtomicLong();
        private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile IOException error;
        private volatile Thread thread;
        private volatile boolean stopped;

        BackgroundSync(FileChannel ch, String name) {
            this.ch = ch;
            this.name = name;
        }

        void wrote(long n) {
            if (pending.addAndGet(n) >= SYNC_EVERY && !stopped && running.compareAndSet(false, true)) {
                pending.set(0);
                Thread t = new Thread(() -> {
                    try {
                        ch.force(false);
                    } catch (IOException e) {
                        if (!stopped) {
                            error = e;
                        }
                    } finally {
                        running.set(false);
                    }
                }, "drkit-image-sync");
                t.setDaemon(true);
                thread = t;
                t.start();
            }
        }

        /** Waits for a sync in progress; rethrows a failed one. */
        void finish() throws IOException {
            join();
            if (error != null) {
                throw new IOException("syncing " + name + " failed: " + error.getMessage(), error);
            }
        }

        /** No more syncs; waits for one in progress (the channel is about to be closed). */
        void stop() {
            stopped = true;
            join();
        }

        private void join() {
            Thread t = thread;
            if (t == null) {
                return;
            }
            boolean interrupted = false;
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * An image file. Blocks are written with direct I/O ({@code O_DIRECT}) where the file system supports it: they go
     * from a small aligned buffer per writer straight to the device instead of through the page cache, which on
     * virtualised disks costs several times less CPU and keeps the cost steady; anything unaligned (the tail of a base
     * image) and file systems without direct I/O use ordinary buffered writes, synced in the background. The temporary
     * file is named by {@link PartialFiles}; partial files that killed restores left next to the target are removed
     * before a new one is created.
     */
    private static final class FileTarget extends ImageDestination {
        private static final int DIRECT_CHUNK = 1 << 20;
        private final Path target;
        private final boolean overwrite;
        private final PartialFiles.Report leftovers;
        private final Function<Path, FileKind> probe;
        private final Object state = new Object();
        private Path temp;
        private boolean discarded;
        private boolean committing;
        private RandomAccessFile raf;
        private FileChannel ch;
        private BackgroundSync sync;
        private FileChannel direct;
        private int align;
        private volatile boolean directFailed;
        private final ThreadLocal<ByteBuffer> directBuffers = new ThreadLocal<>();

        FileTarget(Path target, boolean overwrite, PartialFiles.Report leftovers, Function<Path, FileKind> probe) {
            this.target = target;
            this.overwrite = overwrite;
            this.leftovers = leftovers;
            this.probe = probe;
        }

        @Override
        public void check() {
            Path dir = target.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new InvalidInputException("cannot restore to " + target + ": directory " + dir + " does not exist");
            }
            checkKind();
            if (!overwrite && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new ConflictException("image file " + target + " already exists; allow overwriting to replace it");
            }
        }

        /** The target must still be missing or a regular file: a device node or pipe is never replaced. */
        private void checkKind() {
            FileKind kind = probe.apply(target);
            if (kind != FileKind.MISSING && kind != FileKind.REGULAR) {
                throw refused(target, kind);
            }
        }

        @Override
        public boolean readsAsZeros() {
            return true;
        }

        @Override
        public String describe() {
            return target.toString();
        }

        @Override
        public void open(long size) {
            check();
            PartialFiles.sweep(target, leftovers);
            Path file = PartialFiles.newPartial(target);
            synchronized (state) {
                temp = file;
            }
            boolean created = false;
            try {
                Files.newByteChannel(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.SPARSE).close();
                created = true;
                raf = new RandomAccessFile(file.toFile(), "rw");
                try {
                    raf.setLength(size); // sparse: no block allocated until written
                } catch (IOException e) {
                    long limit = largestLength(raf, size);
                    if (limit > 0 && limit < size) {
                        abort();
                        throw new InvalidInputException("cannot restore the " + size + "-byte image ("
                                + Sizes.human(size) + ") to " + target + ": files in "
                                + target.getParent() + " can be at most " + limit + " bytes ("
                                + Sizes.human(limit) + "; the file system's maximum file size or "
                                + "this process's file size limit, ulimit -f); restore to a file system that allows "
                                + "larger files, or to a block device", e);
                    }
                    throw e;
                }
                ch = raf.getChannel();
                sync = new BackgroundSync(ch, file.toString());
                openDirect(file);
            } catch (IOException e) {
                abort();
                throw new UnavailableException("cannot create " + (created ? "" : "temporary ") + "image " + file
                        + " for " + target + ": " + e.getMessage(), e);
            }
        }

        /**
         * The largest length {@code raf} accepts, found by halving between 0 and {@code failed} (a sparse length
         * change allocates nothing); -1 when not even 0 is accepted. Leaves the file empty.
         */
        private static long largestLength(RandomAccessFile raf, long failed) {
            try {
                raf.setLength(0);
            } catch (IOException e) {
                return -1;
            }
            long ok = 0;
            long bad = failed;
            while (bad - ok > 1) {
                long mid = ok + (bad - ok) / 2;
                try {
                    raf.setLength(mid);
                    ok = mid;
                } catch (IOException e) {
                    bad = mid;
                }
            }
            try {
                raf.setLength(0);
            } catch (IOException e) {
                // removed anyway
            }
            return ok;
        }

        private void openDirect(Path file) {
            try {
                long blockSize = Files.getFileStore(file.getParent()).getBlockSize();
                if (blockSize <= 0 || blockSize > DIRECT_CHUNK || Long.bitCount(blockSize) != 1) {
                    return;
                }
                align = (int) blockSize;
                direct = FileChannel.open(file, StandardOpenOption.WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT);
            } catch (IOException | UnsupportedOperationException | LinkageError e) {
                LOG.debug("no direct I/O for {} ({}); writing through the page cache", file, e.toString());
                direct = null;
            }
        }

        @Override
        protected void writeAt(byte[] data, int off, int len, long position) throws IOException {
            if (direct != null && !directFailed && position % align == 0 && len % align == 0) {
                try {
                    writeDirect(data, off, len, position);
                    return;
                } catch (IOException e) {
                    directFailed = true; // e.g. EINVAL from a file system that wants larger alignment
                    LOG.debug("direct write to {} failed ({}); writing through the page cache", temp, e.toString());
                }
            }
            writeFully(ch, data, off, len, position);
            sync.wrote(len);
        }

        private void writeDirect(byte[] data, int off, int len, long position) throws IOException {
            ByteBuffer buf = directBuffers.get();
            if (buf == null) {
                buf = ByteBuffer.allocateDirect(DIRECT_CHUNK + align).alignedSlice(align);
                directBuffers.set(buf);
            }
            int done = 0;
            while (done < len) {
                int n = Math.min(buf.capacity(), len - done);
                buf.clear();
                buf.put(data, off + done, n);
                buf.flip();
                long pos = position + done;
                while (buf.hasRemaining()) {
                    pos += direct.write(buf, pos);
                }
                done += n;
            }
        }

        @Override
        public void commit() {
            synchronized (state) {
                if (discarded) {
                    abort();
                    throw new CancelledException("restore to " + target + " was cancelled; its partial file is removed");
                }
                committing = true; // a cancellation from now on leaves the complete image to be put in place
            }
            try {
                sync.finish();
                if (direct != null) {
                    direct.close();
                    direct = null;
                }
                ch.force(true);
                raf.close();
                raf = null;
                if (overwrite) {
                    checkKind();
                    try {
                        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } else {
                    moveNoReplace();
                }
                synchronized (state) {
                    temp = null;
                }
                syncDirectory(target.getParent());
            } catch (FileAlreadyExistsException e) {
                abort();
                throw new ConflictException("image file " + target + " appeared during the restore; not replaced", e);
            } catch (IOException e) {
                abort();
                throw new UnavailableException("putting the restored image in place as " + target + " failed: "
                        + e.getMessage(), e);
            } catch (RuntimeException e) {
                abort();
                throw e;
            }
        }

        /** Atomic rename that never replaces a file: a hard link (fails if the target exists), then unlink. */
        private void moveNoReplace() throws IOException {
            try {
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | IOException e) {
                // file systems without hard links (some FUSE/SMB mounts): a rename that refuses an existing target
                LOG.debug("cannot hard-link {} as {} ({}); renaming", temp, target, e.toString());
                Files.move(temp, target);
                return;
            }
            Files.delete(temp);
        }

        private static void syncDirectory(Path dir) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
            }
        }

        @Override
        public void cancelled() {
            synchronized (state) {
                if (committing || discarded) {
                    return;
                }
                discarded = true;
                removeTemp(); // writers may still write: into an unlinked file, which is harmless
            }
        }

        @Override
        public void abort() {
            if (sync != null) {
                sync.stop();
            }
            try {
                if (direct != null) {
                    direct.close();
                    direct = null;
                }
            } catch (IOException e) {
                // closing anyway
            }
            try {
                if (raf != null) {
                    raf.close();
                    raf = null;
                }
            } catch (IOException e) {
                // deleting anyway
            }
            synchronized (state) {
                removeTemp();
            }
        }

        private void removeTemp() {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    LOG.warn("cannot remove temporary image {}: {}", temp, e.getMessage());
                }
                temp = null;
            }
        }
    }

    /**
     * A block device, written in place: opened for writing only (never created, truncated, renamed or removed), checked
     * to hold the image before anything is written, synced at the end. Every byte of the image is written (holes as
     * zeros); what lies beyond the image is left as it was. A failed or cancelled restore leaves it partly written.
     */
    private static final class DeviceTarget extends ImageDestination {
        private final Path device;
        private final boolean overwrite;
        private final Function<Path, FileKind> probe;
        private FileChannel ch;
        private ChannelTarget writer;

        DeviceTarget(Path device, boolean overwrite, Function<Path, FileKind> probe) {
            this.device = device;
            this.overwrite = overwrite;
            this.probe = probe;
        }

        @Override
        public void check() {
            FileKind kind = probe.apply(device);
            if (kind != FileKind.BLOCK_DEVICE) {
                throw new InvalidInputException("cannot restore to " + device + ": it was a block device and is now "
                        + kind.description());
            }
            if (!overwrite) {
                throw new ConflictException("block device " + device + " would be overwritten: the image replaces "
                        + "its contents; allow overwriting to write onto a device");
            }
        }

        @Override
        public boolean readsAsZeros() {
            return false;
        }

        @Override
        public String describe() {
            return device.toString();
        }

        @Override
        public void open(long size) {
            check();
            long capacity;
            try {
                ch = FileChannel.open(device, StandardOpenOption.WRITE); // no CREATE, no TRUNCATE_EXISTING
                capacity = ch.size();
            } catch (IOException e) {
                abort(); // no such device behind the node, no permission: the output cannot be used
                throw new InvalidInputException("cannot open block device " + device + " for writing: "
                        + e.getMessage(), e);
            }
            if (capacity < size) {
                abort();
                throw new InvalidInputException("block device " + device + " holds " + capacity + " bytes ("
                        + Sizes.human(capacity) + "), less than the " + size + "-byte image ("
                        + Sizes.human(size) + "); nothing was written");
            }
            writer = new ChannelTarget(ch, false);
            writer.open(size);
        }

        @Override
        protected void writeAt(byte[] data, int off, int len, long position) throws IOException {
            writer.writeAt(data, off, len, position);
        }

        @Override
        public void commit() {
            try {
                writer.commit();
            } finally {
                closeQuietly();
            }
        }

        @Override
        public void abort() {
            if (writer != null) {
                writer.abort();
            }
            closeQuietly();
        }

        private void closeQuietly() {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    LOG.debug("closing {}: {}", device, e.toString());
                }
                ch = null;
            }
        }
    }

    private static final class ChannelTarget extends ImageDestination {
        private final SeekableByteChannel channel;
        private final FileChannel file;
        private final boolean zeroed;
        private BackgroundSync sync;

        ChannelTarget(SeekableByteChannel channel, boolean zeroed) {
            this.channel = channel;
            this.file = channel instanceof FileChannel f ? f : null;
            this.zeroed = zeroed;
        }

        @Override
        public boolean readsAsZeros() {
            return zeroed;
        }

        @Override
        public String describe() {
            return "caller's channel (" + channel.getClass().getSimpleName() + ")";
        }

        @Override
        public void open(long size) {
            if (!channel.isOpen()) {
                throw new InvalidInputException("cannot restore to a closed channel");
            }
            if (file != null) {
                sync = new BackgroundSync(file, describe());
            }
            try {
                if (channel.size() < size && zeroed) {
                    // make a growable channel (a file) as long as the image; a device is as long as it is
                    writeAt(new byte[1], 0, 1, size - 1);
                }
            } catch (IOException e) {
                throw new UnavailableException("preparing " + describe() + " for " + size + " bytes failed: "
                        + e.getMessage(), e);
            }
        }

        @Override
        protected void writeAt(byte[] data, int off, int len, long position) throws IOException {
            if (file != null) {
                writeFully(file, data, off, len, position);
                sync.wrote(len);
                return;
            }
            synchronized (channel) {
                channel.position(position);
                ByteBuffer buf = ByteBuffer.wrap(data, off, len);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }
        }

        @Override
        public void commit() {
            if (file != null) {
                try {
                    sync.finish();
                    file.force(true);
                } catch (IOException e) {
                    throw new UnavailableException("syncing " + describe() + " failed: " + e.getMessage(), e);
                }
            }
        }

        @Override
        public void abort() {
            // the caller's channel: what was written stays; the caller decides
            if (sync != null) {
                sync.stop();
            }
        }
    }
}
