package io.drkit.s3;

import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.NewestBackupRule;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.BackupVolume;
import io.drkit.s3.internal.BackupstoreLock;
import io.drkit.s3.internal.BlockFetcher;
import io.drkit.s3.internal.FileKind;
import io.drkit.s3.internal.ImageDestination;
import io.drkit.s3.internal.RestoreRun;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a Longhorn backup to a raw volume image without Longhorn: from the S3 bucket or mounted directory
 * ({@link ObjectSource}) straight into an image file, a block device, or any seekable channel.
 *
 * <p>The image is {@code volume.cfg}'s {@code Size} bytes; every block the backup lists is downloaded, decoded (LZ4
 * frames, gzip, none; a block stored in another codec than recorded is still decoded, Longhorn #7687), verified
 * against its SHA-512 checksum and written at its offset; the rest stays a hole (zeros; sparse in a file), or shows
 * the backing image when a base file is given. Blocks are fetched by a bounded number of workers, each decoding into
 * a buffer of a bounded pool allocated once, which is then written as it is; fetching, decoding, hashing and writing
 * overlap, and adjacent blocks are written as one large write. The workers and buffers are as many as
 * {@link Builder#memoryLimit} holds for the backup's block size, so memory stays bounded whatever the volume size and
 * whatever the store holds. {@link BackupVerifier} (full level) and the NBD export fetch, decode and verify blocks
 * with the same code.
 *
 * <p>A file is written as a temporary file next to the target, synced and renamed into place only when complete: a
 * failed or cancelled restore leaves neither the target nor the temporary file behind (a cancellation removes it the
 * moment it is requested, so a process ending right after leaves nothing either), and partial files that killed
 * restores left next to the same target are removed by the next restore to it. An existing file is only replaced with
 * {@link ImageRestoreOptions#overwrite()}. A block device (also through a symbolic link) is written in place, never
 * replaced: it needs {@code overwrite}, must hold the image (checked before anything is written), and keeps what lies
 * beyond the image; a failed or cancelled restore leaves it partly written. Directories, character devices, FIFOs and
 * sockets are refused ({@link InvalidInputException}). A missing or corrupt block fails the restore with
 * {@link DamagedBlockException} (checksum, key, offset), unless {@linkplain ImageRestoreOptions#salvage() salvage}
 * is on: then it becomes zeros and the result lists every damaged range.
 *
 * <p>Restores are read-only unless {@link Builder#backupstoreLock(boolean)} is set: then the restore holds a Longhorn
 * type-1 lock on the volume (as Longhorn's own restore does), so that a live Longhorn refuses to delete backups of it
 * and garbage-collect their blocks meanwhile. Thread-safe: restores may run concurrently. A restorer holds no
 * resources between restores (each restore starts and stops its own workers) and never closes the object source.
 *
 * <pre>{@code
 * VolumeImageRestorer restorer = VolumeImageRestorer.create(source, target);
 * ImageRestoreResult r = restorer.restoreToFile(BackupSelection.newest("pvc-1"), Path.of("pvc-1.img"));
 * System.out.println(r.summary());
 * }</pre>
 */
public final class VolumeImageRestorer {
    private static final Logger LOG = LoggerFactory.getLogger(VolumeImageRestorer.class);
    private final ObjectSource source;
    private final BackupTarget target;
    private final int concurrency;
    private final BackupstoreLayout layout;
    private final RestoreRun.Settings settings;
    private final ImageRestoreListener listener;
    private final Function<Path, FileKind> fileKinds;

    private VolumeImageRestorer(Builder b) {
        this.listener = b.listener;
        this.fileKinds = b.fileKinds;
        this.source = b.source;
        this.target = b.target;
        this.concurrency = b.concurrency;
        this.layout = BackupstoreLayout.of(b.target);
        WritableObjectSource lockStore = null;
        if (b.lock) {
            if (!(b.source instanceof WritableObjectSource w)) {
                throw new InvalidInputException("a backupstore lock needs a writable object source, not "
                        + b.source.describe());
            }
            lockStore = w;
        }
        this.settings = new RestoreRun.Settings(b.source, layout, new BlockFetcher(b.source, b.readAttempts, b.retryBackoff),
                b.concurrency, b.memoryLimit, b.executor, b.listener, lockStore, b.lockSettle, b.lockRefresh, b.clock);
    }

    /** A builder for restores from {@code source}, whose backup URLs name {@code target}. */
    public static Builder builder(ObjectSource source, BackupTarget target) {
        return new Builder(source, target);
    }

    /** A restorer with the defaults: 8 blocks in flight, at most 128 MiB of buffers, no lock, no listener. */
    public static VolumeImageRestorer create(ObjectSource source, BackupTarget target) {
        return builder(source, target).build();
    }

    /**
     * The complete backup a selection names: what {@code restoreTo...} would restore.
     *
     * @throws NotFoundException           when the volume or a matching complete backup does not exist
     * @throws InvalidBackupDataException  when the named backup's cfg is unreadable
     */
    public Backup resolve(BackupSelection which) {
        Objects.requireNonNull(which, "which");
        try (BackupstoreCatalog catalog = catalog()) {
            return resolve(which, catalog);
        }
    }

    private BackupstoreCatalog catalog() {
        return BackupstoreCatalog.builder(source, target).concurrency(concurrency).cache(false)
                .retries(settings.fetcher().retry().attempts(), settings.fetcher().retry().backoff()).build();
    }

    private Backup resolve(BackupSelection which, BackupstoreCatalog catalog) {
        String volume = which.volumeName();
        catalog.findBackupVolume(volume).orElseThrow(() -> new NotFoundException("backup volume " + volume
                + " not found in " + catalog.describe()));
        if (which.backupName().isPresent()) {
            String name = which.backupName().get();
            Backup b = catalog.findBackup(volume, name).orElseThrow(() -> {
                String key = layout.backupCfg(volume, name);
                Optional<SkippedEntry> skip = catalog.skippedEntries().stream().filter(e -> e.location().equals(key))
                        .findFirst();
                if (skip.isPresent() && skip.get().reason() == SkippedEntry.Reason.INVALID_DATA) {
                    return new InvalidBackupDataException(key, "backup " + name + " of volume " + volume
                            + " cannot be read: " + skip.get().detail());
                }
                return new NotFoundException("backup " + name + " of volume " + volume + " not found in "
                        + catalog.describe());
            });
            if (!b.isComplete()) {
                throw new NotFoundException("backup " + name + " of volume " + volume + " is not complete "
                        + "(CreatedTime is empty: still in progress, or failed); it cannot be restored");
            }
            return b;
        }
        Optional<Instant> before = which.atOrBefore();
        List<Backup> all = catalog.listBackups(volume);
        return (before.isEmpty() ? NewestBackupRule.newestComplete(all) : NewestBackupRule.newestCompleteAtOrBefore(all, before.get()))
                .orElseThrow(() -> new NotFoundException("volume " + volume + " has no complete backup"
                        + before.map(t -> " taken at or before " + t).orElse("") + " in " + catalog.describe()));
    }

    /** {@link #restoreToFile(BackupSelection, Path, ImageRestoreOptions)} with the default options. */
    public ImageRestoreResult restoreToFile(BackupSelection which, Path image) {
        return restoreToFile(which, image, ImageRestoreOptions.defaults());
    }

    /**
     * Restores the selected backup into the raw image file {@code image} (sparse), via a temporary file in the same
     * directory that is renamed into place when complete; or, when {@code image} is a block device, into the device in
     * place (needs {@link ImageRestoreOptions#overwrite()}; holes are written as zeros).
     *
     * @throws io.drkit.core.ConflictException      when {@code image} exists (a file, or a block device) and
     *                                              overwriting is not allowed, or a Longhorn deletion lock refuses the
     *                                              backupstore lock
     * @throws InvalidInputException                when {@code image} is a directory, a character device, a FIFO, a
     *                                              socket or another special file; when a block device is smaller than
     *                                              the image, or the file system cannot hold a file that large (the
     *                                              message names the limit); when the memory limit is too small for
     *                                              one block
     * @throws NotFoundException                    when the volume or backup does not exist
     * @throws DamagedBlockException                when a block is missing or corrupt (without salvage)
     * @throws InvalidBackupDataException           when the cfgs are malformed
     * @throws io.drkit.core.CancelledException     when cancelled or interrupted
     * @throws io.drkit.core.UnavailableException   when the store or the file system fails
     */
    public ImageRestoreResult restoreToFile(BackupSelection which, Path image, ImageRestoreOptions options) {
        ImageDestination dest = ImageDestination.path(Objects.requireNonNull(image, "image"), options.overwrite(),
                this::leftover, fileKinds);
        dest.check();
        return restore(which, dest, options);
    }

    /**
     * Restores the selected backup into a caller's channel (a block device opened with
     * {@code FileChannel.open(device, WRITE)}, an existing file), in place: every byte of the image is written (holes
     * as zeros) unless {@link ImageRestoreOptions#channelIsZeroed()}. The channel is synced (when it is a
     * {@link java.nio.channels.FileChannel}) but not closed. A failed restore leaves a partly written channel. Stop it
     * with {@link ImageRestoreOptions#cancellation()} rather than an interrupt: the calling thread writes too, and the
     * JDK closes an interruptible channel when a thread writing to it is interrupted.
     *
     * @throws NotFoundException as {@link #restoreToFile(BackupSelection, Path, ImageRestoreOptions)}, which also lists
     *         the other exceptions (DamagedBlockException, ...)
     */
    public ImageRestoreResult restoreToChannel(BackupSelection which, SeekableByteChannel channel,
                                               ImageRestoreOptions options) {
        return restore(which, ImageDestination.channel(Objects.requireNonNull(channel, "channel"),
                options.channelIsZeroed()), options);
    }

    private void leftover(Path file, boolean removed, String detail) {
        try {
            listener.leftoverPartialFile(file, removed, detail);
        } catch (RuntimeException e) {
            LOG.warn("image restore listener threw; ignored", e);
        }
    }

    private ImageRestoreResult restore(BackupSelection which, ImageDestination dest, ImageRestoreOptions options) {
        Objects.requireNonNull(options, "options");
        options.cancellation().throwIfCancelled("restore of " + which);
        Backup backup;
        BackupVolume volume;
        try (BackupstoreCatalog catalog = catalog()) {
            backup = resolve(which, catalog);
            volume = catalog.getBackupVolume(which.volumeName());
        }
        return RestoreRun.run(settings, volume, backup, dest, options);
    }

    @Override
    public String toString() {
        return "VolumeImageRestorer[" + target + " via " + source.describe() + "]";
    }

    /** Builds {@link VolumeImageRestorer}s. Every option has a default. */
    public static final class Builder {
        private final ObjectSource source;
        private final BackupTarget target;
        private int concurrency = 8;
        private long memoryLimit = 128L << 20;
        private ImageRestoreListener listener = ImageRestoreListener.NONE;
        private int readAttempts = 3;
        private Duration retryBackoff = Duration.ofMillis(200);
        private Executor executor;
        private boolean lock;
        private Duration lockRefresh = BackupstoreLock.DEFAULT_REFRESH;
        private Duration lockSettle = BackupstoreLock.DEFAULT_SETTLE;
        private Clock clock = Clock.systemUTC();
        private Function<Path, FileKind> fileKinds = FileKind::probe;

        private Builder(ObjectSource source, BackupTarget target) {
            this.source = Objects.requireNonNull(source, "source");
            this.target = Objects.requireNonNull(target, "target");
        }

        /** Blocks downloaded and decoded at once (default 8; Longhorn's restore-to-file uses 5). */
        public Builder concurrency(int n) {
            if (n < 1) {
                throw new InvalidInputException("restore concurrency must be at least 1, not " + n);
            }
            this.concurrency = n;
            return this;
        }

        /**
         * Most bytes of block buffers a restore holds (default 128 MiB). Each worker needs the block, the largest
         * object still accepted as one encoded block (the block plus 1/16 plus 64 KiB) and 9 MiB for the slow
         * decoders ({@code 13.2 MiB} for 2 MiB blocks, {@code 42.1 MiB} for 16 MiB), so this caps the concurrency for
         * large blocks: 128 MiB allows 9 workers for 2 MiB blocks but only 3 for 16 MiB. A limit below one worker's
         * need fails the restore with {@link InvalidInputException} before anything is written.
         */
        public Builder memoryLimit(long bytes) {
            if (bytes < 1) {
                throw new InvalidInputException("memory limit must be positive, not " + bytes);
            }
            this.memoryLimit = bytes;
            return this;
        }

        /** Receives the progress of every restore (default none). */
        public Builder listener(ImageRestoreListener l) {
            this.listener = l == null ? ImageRestoreListener.NONE : l;
            return this;
        }

        /**
         * How often a block whose download fails transiently (connection reset, 5xx after the S3 client's own
         * retries) is tried, and the first wait between attempts, doubling (default 3, 200 ms). Missing and corrupt
         * blocks are not retried.
         */
        public Builder retries(int attempts, Duration backoff) {
            if (attempts < 1) {
                throw new InvalidInputException("read attempts must be at least 1, not " + attempts);
            }
            this.readAttempts = attempts;
            this.retryBackoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * Runs the block workers on the caller's executor (never shut down by the restorer; the calling thread works
         * too and runs what the executor has not started); default own threads per restore.
         */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /**
         * Whether restores hold a Longhorn backupstore lock (type 1) on the volume (default false, because it writes
         * to the store: the source must be a {@link WritableObjectSource}). Taking it costs Longhorn's 2-second
         * settle wait; a restore is refused ({@link io.drkit.core.ConflictException}) while an unexpired Longhorn
         * deletion lock has priority.
         */
        public Builder backupstoreLock(boolean on) {
            this.lock = on;
            return this;
        }

        /** How often the lock is rewritten while held (default 60 s, as Longhorn); must be below its 150 s expiry. */
        public Builder lockRefreshInterval(Duration d) {
            if (d.isNegative() || d.isZero() || d.compareTo(BackupstoreLock.EXPIRY) >= 0) {
                throw new InvalidInputException("lock refresh interval must be between 0 and "
                        + BackupstoreLock.EXPIRY.toSeconds() + " s, not " + d);
            }
            this.lockRefresh = d;
            return this;
        }

        /**
         * The wait between writing the lock and reading the other locks (default 2 s, Longhorn's
         * {@code LOCK_CHECK_WAIT_TIME}: lock times have one-second precision, so two clients writing at once both
         * see each other).
         */
        public Builder lockSettleTime(Duration d) {
            if (d.isNegative()) {
                throw new InvalidInputException("lock settle time must not be negative: " + d);
            }
            this.lockSettle = d;
            return this;
        }

        /** The clock lock expiry is judged by (tests). */
        Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c);
            return this;
        }

        /** What output paths are (tests: pretend a regular file is a block device to exercise the in-place path). */
        Builder fileKinds(Function<Path, FileKind> probe) {
            this.fileKinds = Objects.requireNonNull(probe);
            return this;
        }

        /** Builds the restorer; no request is sent. */
        public VolumeImageRestorer build() {
            return new VolumeImageRestorer(this);
        }
    }
}
