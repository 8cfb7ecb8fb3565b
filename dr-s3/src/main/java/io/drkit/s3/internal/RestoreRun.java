package io.drkit.s3.internal;

import io.drkit.core.Cancellation;
import io.drkit.core.Parallel;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.UnavailableException;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.ByteRange;
import io.drkit.s3.DamagedBlock;
import io.drkit.s3.DamagedBlockException;
import io.drkit.s3.ImageRestoreListener;
import io.drkit.s3.ImageRestoreOptions;
import io.drkit.s3.ImageRestoreResult;
import io.drkit.s3.ObjectSource;
import io.drkit.s3.RestoreProgress;
import io.drkit.s3.WritableObjectSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One image restore, start to finish: lock (optional), spool and check the block list, lay down the base image or
 * zeros where the backup has holes (when the destination needs it), fetch/decode/verify/write every listed block with
 * a bounded number of workers, then sync and put the image in place. The stages overlap: each worker fetches a block,
 * decodes it straight into a {@link BlockPool} buffer, checks its SHA-512 and hands the buffer to the
 * {@link BlockWriter}, which writes runs of adjacent blocks as large aligned writes while the workers go on. On any failure or cancellation the destination
 * is aborted (a file destination leaves no file behind) and the lock released.
 */
public final class RestoreRun {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreRun.class);
    private static final int BASE_CHUNK = 1 << 20;
    /** Largest block size accepted (Longhorn writes 2 and 16 MiB). */
    public static final int MAX_BLOCK_SIZE = 512 << 20;
    /** Most pool buffers beyond one per worker. */
    static final int MAX_SPARE_BUFFERS = 4;

    /**
     * How restores run.
     *
     * @param source       where blocks and cfgs are read
     * @param layout       the store's keys
     * @param fetcher      block reader
     * @param concurrency  most blocks in flight
     * @param memoryLimit  most bytes of block buffers
     * @param executor     a caller's executor, or null for own threads
     * @param listener     progress
     * @param lockStore    the store to lock in, or null for no lock
     * @param lockSettle   wait between writing the lock and checking the others
     * @param lockRefresh  refresh interval of the lock
     * @param clock        clock for lock expiry
     */
    public record Settings(ObjectSource source, BackupstoreLayout layout, BlockFetcher fetcher, int concurrency,
                           long memoryLimit, Executor executor, ImageRestoreListener listener,
                           WritableObjectSource lockStore, Duration lockSettle, Duration lockRefresh, Clock clock) {
    }

    private final Settings s;
    private final BackupVolume volume;
    private final Backup backup;
    private final ImageDestination dest;
    private final ImageRestoreOptions options;
    private final Cancellation cancel;
    private final int blockSize;
    private final CompressionMethod compression;
    private final String what;

    private RestoreRun(Settings s, BackupVolume volume, Backup backup, ImageDestination dest, ImageRestoreOptions options) {
        this.s = s;
        this.volume = volume;
        this.backup = backup;
        this.dest = dest;
        this.options = options;
        this.cancel = options.cancellation();
        this.compression = backup.compression();
        this.what = "restore of backup " + backup.name() + " of volume " + volume.name();
        if (backup.blockSize() > MAX_BLOCK_SIZE) {
            throw new InvalidBackupDataException(s.layout().backupCfg(volume.name(), backup.name()), "block size "
                    + backup.blockSize() + " is larger than " + MAX_BLOCK_SIZE + " bytes");
        }
        this.blockSize = (int) backup.blockSize();
        BlockFetcher.workers(s.concurrency(), 1, s.memoryLimit(), blockSize); // fails now if not one block fits
    }

    /**
     * Restores {@code backup} of {@code volume} to {@code dest}.
     *
     * @throws DamagedBlockException when a block is missing or corrupt and salvage is off
     */
    public static ImageRestoreResult run(Settings s, BackupVolume volume, Backup backup, ImageDestination dest,
                                         ImageRestoreOptions options) {
        return new RestoreRun(s, volume, backup, dest, options).run();
    }

    private ImageRestoreResult run() {
        long started = System.nanoTime();
        dest.check();
        Optional<Path> base = options.baseImage();
        base.ifPresent(this::checkBase);
        BackupstoreLock lock = null;
        BlockListSpool spool = null;
        Cancellation.Registration onCancel = null;
        BlockWriter writer = null;
        boolean done = false;
        try {
            if (s.lockStore() != null) {
                lock = BackupstoreLock.acquire(s.lockStore(), s.layout(), volume.name(),
                        BackupstoreLock.BACKUP_OR_RESTORE, s.lockSettle(), s.lockRefresh(), s.clock(), cancel);
            }
            String cfgKey = s.layout().backupCfg(volume.name(), backup.name());
            spool = BlockListSpool.read(s.source(), cfgKey, volume.size(), blockSize, cancel);
            if (!spool.sorted()) {
                LOG.warn("Blocks of {} are not sorted by offset; restoring anyway", cfgKey);
            }
            dest.open(volume.size());
            onCancel = cancel.onCancel(dest::cancelled); // a signal handler may end the process right after
            BlockListSpool blocks = spool;
            safe(l -> l.restoreStarted(volume.name(), backup.name(), volume.size(), blocks.count(), dest.describe()));
            Optional<Boolean> baseMatches = layDownBase(base, spool.listed());
            int workers = workers(spool.count());
            Tracker tracker = new Tracker(spool.count());
            BackupstoreLock held = lock;
            BlockPool pool = new BlockPool(poolCapacity(workers, s.memoryLimit(), blockSize), blockSize + 1);
            BlockWriter w = new BlockWriter(dest, pool, blockSize, writers(workers));
            writer = w;
            byte[] zero = Checksums.zeroBlock(blockSize); // once, before the workers would all wait for the first
            Parallel.of("drkit-restore", workers).on(s.executor()).workers(what, workers, cancel,
                    (index, c) -> restoreBlocks(blocks, held, tracker, w, zero, c));
            cancel.throwIfCancelled(what);
            w.flush();
            dest.commit();
            done = true;
            List<DamagedBlock> damaged = tracker.damaged();
            ImageRestoreResult result = new ImageRestoreResult(volume.name(), backup.name(),
                    backup.url().map(u -> u.url()).orElse(""), dest.describe(), volume.size(), blockSize, compression, spool.count(),
                    tracker.restored, tracker.zero, tracker.downloaded, tracker.fallbacks, damaged, merge(damaged),
                    volume.backingImageName(), base, baseMatches, Optional.ofNullable(lock).map(BackupstoreLock::name),
                    workers, Duration.ofNanos(System.nanoTime() - started));
            safe(l -> l.restoreFinished(result));
            return result;
        } finally {
            if (onCancel != null) {
                onCancel.close();
            }
            if (writer != null) {
                writer.discard(); // a failed or cancelled run leaves queued buffers: back to the pool, unwritten
            }
            if (!done) {
                dest.abort();
            }
            if (spool != null) {
                spool.close();
            }
            if (lock != null) {
                lock.close();
            }
        }
    }

    private int workers(long blocks) {
        return BlockFetcher.workers(s.concurrency(), blocks, s.memoryLimit(), blockSize);
    }

    /**
     * Buffers of the restore's {@link BlockPool}: one per worker (it decodes into it) and up to
     * {@link #MAX_SPARE_BUFFERS} more, as far as the memory limit allows, so that workers go on while the writer
     * writes. A worker's own workspace then holds no decode buffer, so the whole restore stays within
     * {@code workers x workspaceBytes + spare x (block + 1)} &lt;= the memory limit.
     */
    static int poolCapacity(int workers, long memoryLimit, int blockSize) {
        long left = memoryLimit - workers * BlockFetcher.workspaceBytes(blockSize);
        return workers + (int) Math.max(0, Math.min(MAX_SPARE_BUFFERS, left / (blockSize + 1L)));
    }

    /** Threads writing at once: one per four workers (two at the default 8), so a disk gets parallel writes. */
    static int writers(int workers) {
        return Math.max(1, workers / 4);
    }

    private void restoreBlocks(BlockListSpool spool, BackupstoreLock lock, Tracker tracker, BlockWriter writer,
                               byte[] zero, Cancellation c) {
        byte[] sum = new byte[Checksums.LENGTH];
        try (BlockFetcher.Workspace ws = new BlockFetcher.Workspace()) {
            // a pool buffer is taken once the block is downloaded: no buffer is held while waiting for the store
            ws.decodeInto(() -> writer.take(c, what));
            while (!c.isCancelled()) {
                long offset = spool.next(sum);
                if (offset < 0) {
                    break;
                }
                if (Arrays.equals(sum, zero)) {
                    dest.zeros(blockSize, offset); // the name fixes the content: nothing to download
                    tracker.restored(0, true, false);
                    continue;
                }
                String hex = Checksums.hex(sum, 0);
                String key = s.layout().blockKey(volume.name(), hex);
                BlockFetcher.Outcome out;
                byte[] buf;
                try {
                    out = s.fetcher().fetch(key, hex, sum, compression, blockSize, ws, c);
                    if (out.status() == BlockFetcher.Status.OK && ws.data() != ws.peekBuffer()) {
                        // stored uncompressed, or the slow path: into the block's pool buffer
                        System.arraycopy(ws.data(), 0, ws.peekBuffer(), 0, blockSize);
                    }
                } catch (RuntimeException | Error e) {
                    writer.giveBack(ws.takeBuffer());
                    throw e;
                }
                buf = ws.takeBuffer();
                if (out.status() == BlockFetcher.Status.OK) {
                    tracker.restored(out.storedBytes(), false, out.fallback());
                    writer.submit(offset, buf); // decoded in place: the buffer itself is written
                    continue;
                }
                writer.giveBack(buf);
                String detail = out.detail();
                if (out.status() == BlockFetcher.Status.MISSING && lock != null && lock.lapsed()) {
                    detail += " (the backupstore lock had lapsed: a Longhorn deletion may have removed it)";
                }
                DamagedBlock d = new DamagedBlock(offset, blockSize, hex, key, out.problem(), detail);
                if (!options.salvage()) {
                    throw new DamagedBlockException(volume.name(), backup.name(), d);
                }
                dest.zeros(blockSize, offset);
                tracker.damaged(d, out.storedBytes());
            }
        }
        writer.drain(); // what others queued while this worker held no write role
    }

    // ------------------------------------------------------------------------------------------------ base image

    private void checkBase(Path base) {
        if (volume.backingImageName().isEmpty()) {
            throw new InvalidInputException("volume " + volume.name() + " has no backing image (volume.cfg records "
                    + "none); a base file would put foreign data into the holes of its image");
        }
        if (!Files.isRegularFile(base)) {
            throw new InvalidInputException("base image " + base + " is not a readable file");
        }
        try (FileChannel in = FileChannel.open(base, StandardOpenOption.READ)) {
            long size = in.size();
            if (size > volume.size()) {
                throw new InvalidInputException("base image " + base + " has " + size + " bytes, more than volume "
                        + volume.name() + " (" + volume.size() + " bytes): not its backing image?");
            }
            ByteBuffer magic = ByteBuffer.allocate(4);
            in.read(magic, 0);
            if (magic.position() == 4 && Arrays.equals(magic.array(), "QFI\u00fb".getBytes(StandardCharsets.ISO_8859_1))) {
                throw new InvalidInputException("base image " + base + " is a qcow2 file; convert it to raw first: "
                        + "qemu-img convert -O raw " + base + " " + base + ".raw");
            }
        } catch (IOException e) {
            throw new InvalidInputException("cannot read base image " + base + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes what the image holds where the backup lists no block: the base image (or zeros past its end), or zeros
     * when the destination does not already read as zeros. Returns whether the base's SHA-512 matches volume.cfg.
     */
    private Optional<Boolean> layDownBase(Optional<Path> base, BitSet listed) {
        long size = volume.size();
        if (base.isEmpty()) {
            if (!dest.readsAsZeros()) {
                long slots = size / blockSize;
                for (int slot = listed.nextClearBit(0); slot < slots; ) {
                    cancel.throwIfCancelled(what);
                    int end = (int) Math.min(slots, listed.nextSetBit(slot) < 0 ? slots : listed.nextSetBit(slot));
                    dest.zeros((long) (end - slot) * blockSize, (long) slot * blockSize);
                    slot = listed.nextClearBit(end);
                }
            }
            return Optional.empty();
        }
        Path file = base.get();
        MessageDigest sha = sha512();
        // a chunk never straddles two block slots
        byte[] buf = new byte[blockSize > BASE_CHUNK && blockSize % BASE_CHUNK == 0 ? BASE_CHUNK : blockSize];
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long baseSize = in.size();
            for (long pos = 0; pos < size; pos += buf.length) {
                if ((pos & ((64L << 20) - 1)) == 0) {
                    cancel.throwIfCancelled(what);
                }
                boolean isListed = listed.get((int) (pos / blockSize));
                int n = (int) Math.min(buf.length, size - pos);
                int got = 0;
                if (pos < baseSize) {
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, (int) Math.min(n, baseSize - pos));
                    while (bb.hasRemaining()) {
                        if (in.read(bb, pos + bb.position()) < 0) {
                            break;
                        }
                    }
                    got = bb.position();
                    sha.update(buf, 0, got);
                }
                if (!isListed) {
                    if (got > 0) {
                        dest.write(buf, got, pos);
                    }
                    if (got < n) {
                        dest.zeros(n - got, pos + got);
                    }
                }
            }
        } catch (IOException e) {
            throw new UnavailableException("reading base image " + file + " failed: " + e.getMessage(), e);
        }
        String recorded = volume.backingImageChecksum().orElse("");
        if (recorded.isEmpty()) {
            return Optional.empty();
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        boolean matches = actual.startsWith(recorded.toLowerCase(Locale.ROOT));
        if (!matches) {
            LOG.warn("base image {} has SHA-512 {}, but volume.cfg of {} records {} for backing image {}", file, actual,
                    volume.name(), recorded, volume.backingImageName().orElse(""));
        }
        return Optional.of(matches);
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------------ progress

    private static List<ByteRange> merge(List<DamagedBlock> damaged) {
        List<ByteRange> out = new ArrayList<>();
        for (DamagedBlock d : damaged) {
            ByteRange last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.end() == d.offset()) {
                out.set(out.size() - 1, new ByteRange(last.offset(), last.length() + d.length()));
            } else {
                out.add(d.range());
            }
        }
        return out;
    }

    private void safe(Consumer<ImageRestoreListener> call) {
        try {
            call.accept(s.listener());
        } catch (RuntimeException e) {
            LOG.warn("image restore listener threw; ignored", e);
        }
    }

    /** Counters, updated by the workers one at a time; reports progress after each block. */
    private final class Tracker {
        private final long total;
        private final long started = System.nanoTime();
        private final List<DamagedBlock> damaged = new ArrayList<>();
        private long done;
        private long restored;
        private long zero;
        private long downloaded;
        private long fallbacks;

        Tracker(long total) {
            this.total = total;
        }

        synchronized void restored(long stored, boolean isZero, boolean fallback) {
            restored++;
            zero += isZero ? 1 : 0;
            fallbacks += fallback ? 1 : 0;
            finished(stored);
        }

        synchronized void damaged(DamagedBlock d, long stored) {
            damaged.add(d);
            LOG.warn("salvage: {} block {} at offset {} of backup {} of volume {} written as zeros ({})",
                    d.problem(), d.checksum(), d.offset(), backup.name(), volume.name(), d.key());
            safe(l -> l.blockDamaged(volume.name(), backup.name(), d));
            finished(stored);
        }

        private void finished(long stored) {
            done++;
            downloaded += stored;
            RestoreProgress p = new RestoreProgress(volume.name(), backup.name(), done, total, done * blockSize,
                    total * blockSize, downloaded, Duration.ofNanos(System.nanoTime() - started));
            safe(l -> l.progress(p));
        }

        synchronized List<DamagedBlock> damaged() {
            List<DamagedBlock> out = new ArrayList<>(damaged);
            out.sort(Comparator.comparingLong(DamagedBlock::offset));
            return out;
        }
    }
}
