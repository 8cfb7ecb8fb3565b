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
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An image file. Blocks are written with direct I/O ({@code O_DIRECT}) where the file system supports it: they go
 * from a small aligned buffer per writer straight to the device instead of through the page cache, which on
 * virtualised disks costs several times less CPU and keeps the cost steady; anything unaligned (the tail of a base
 * image) and file systems without direct I/O use ordinary buffered writes, synced in the background. The temporary
 * file is named by {@link PartialFiles}; partial files that killed restores left next to the target are removed
 * before a new one is created.
 */
final class FileTarget extends ImageDestination {
    private static final Logger LOG = LoggerFactory.getLogger(ImageDestination.class);
    /** Largest single direct write: runs of adjacent blocks are written in extents up to this size. */
    private static final int DIRECT_CHUNK = 8 << 20;
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
    /** Aligned buffers of the writers, each taken by one writer at a time and given back. */
    private final ConcurrentLinkedQueue<ByteBuffer> directBuffers = new ConcurrentLinkedQueue<>();

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

    @Override
    protected void writeGathered(byte[][] bufs, int[] offs, int[] lens, int count, long position) throws IOException {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += lens[i];
        }
        if (count == 1 || direct == null || directFailed || position % align != 0 || total % align != 0) {
            super.writeGathered(bufs, offs, lens, count, position);
            return;
        }
        ByteBuffer buf = directBuffers.poll();
        if (buf == null) {
            buf = ByteBuffer.allocateDirect(DIRECT_CHUNK + align).alignedSlice(align);
        }
        try {
            long pos = position;
            buf.clear();
            for (int i = 0; i < count; i++) {
                int done = 0;
                while (done < lens[i]) {
                    int n = Math.min(buf.remaining(), lens[i] - done);
                    buf.put(bufs[i], offs[i] + done, n);
                    done += n;
                    if (!buf.hasRemaining()) {
                        pos = flushDirect(buf, pos);
                    }
                }
            }
            if (buf.position() > 0) {
                flushDirect(buf, pos);
            }
        } catch (IOException e) {
            directFailed = true; // written again below through the page cache, from the start of the extent
            LOG.debug("direct write to {} failed ({}); writing through the page cache", temp, e.toString());
            super.writeGathered(bufs, offs, lens, count, position);
        } finally {
            directBuffers.offer(buf);
        }
    }

    /** Writes the buffer's content at {@code pos} (whole aligned chunks: every flush but the last is full). */
    private long flushDirect(ByteBuffer buf, long pos) throws IOException {
        buf.flip();
        long p = pos;
        while (buf.hasRemaining()) {
            p += direct.write(buf, p);
        }
        buf.clear();
        return p;
    }

    private void writeDirect(byte[] data, int off, int len, long position) throws IOException {
        ByteBuffer buf = directBuffers.poll();
        if (buf == null) {
            buf = ByteBuffer.allocateDirect(DIRECT_CHUNK + align).alignedSlice(align);
        }
        try {
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
        } finally {
            directBuffers.offer(buf);
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
