package io.drkit.s3;

import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.Parallel;
import io.drkit.core.UnavailableException;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.catalog.ChangeRate;
import io.drkit.core.catalog.ChangeRateSource;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.BackupVolume;
import io.drkit.s3.internal.BlockListChangeRates;
import io.drkit.s3.internal.CfgCache;
import io.drkit.s3.internal.NewestBackupSearch;
import io.drkit.s3.internal.ReadRetry;
import io.drkit.s3.internal.SkipRegistry;
import io.drkit.s3.internal.StoreDiscovery;
import io.drkit.s3.internal.StoreIndex;
import io.drkit.s3.internal.StoreScan;
import io.drkit.s3.internal.VolumeConfig;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link BackupCatalog} that reads Longhorn's raw backupstore (S3 bucket or mounted NFS/CIFS directory) through an
 * {@link ObjectSource}: no Longhorn needed.
 *
 * <p>Cheaper than Longhorn's own sync: volumes are discovered with one paginated listing of the whole
 * {@code volumes/} tree (falling back to Longhorn's level-by-level listing on stores that do not honour
 * multi-character delimiters); backup metadata is read with a ranged GET of the cfg's first bytes and a streaming
 * parser that stops at {@code Blocks}; {@link #newestCompleteBackups()} answers by
 * {@link io.drkit.core.catalog.NewestBackupRule}, using each volume's last-backup pointer only as a hint (2 requests
 * per volume when it is right; cfgs listed as written after the pointer's, or all cfgs when it is empty, stale, in
 * progress or unreadable, are read too); work runs in parallel with bounded concurrency. Parsed objects are cached with
 * their entity tags, within an estimated heap budget ({@link Builder#cacheBudgetBytes}), so a second
 * {@link #scanAll(CatalogListener)} re-reads only objects that changed or that the budget made it forget.
 *
 * <p>Malformed entries never fail a scan: in-progress backups, unreadable or invalid cfgs, invalid names, temporary
 * files, directories without {@code volume.cfg}, system backups and backing images are reported through
 * {@link #skippedEntries()} and the listener, with their key and reason. In-progress backups are also listed by
 * {@link #listBackups(String)} (state {@code IN_PROGRESS}), as the catalog contract requires. A store that cannot be
 * reached (bad credentials, outage after retries) fails the call with {@link UnavailableException}.
 *
 * <p>Thread-safe and meant to be shared: {@code concurrency} bounds the requests in flight of the parallel work of all
 * calls together (the one listing or read a call makes before or after it is not counted). Parallel work runs on
 * {@link Parallel} (the caller's thread works too; no thread outlives a call).
 * {@link #close()} refuses further listings and never closes the object source (it belongs to the caller).
 *
 * <p>This class is the facade; the work is done by parts in {@code io.drkit.s3.internal}: {@code StoreDiscovery}
 * (listing the store), {@code CfgCache} (reading cfgs, kept with their entity tags), {@code SkipRegistry} (skips and
 * listener calls), {@code NewestBackupSearch} (the newest-backup rule over the store) and {@code StoreScan} (volume
 * and backup listings, the full scan).
 *
 * <pre>{@code
 * try (S3ObjectSource s3 = S3ObjectSource.forTarget(target, secret);
 *      BackupstoreCatalog catalog = BackupstoreCatalog.builder(s3, target).concurrency(16).build()) {
 *     Map<String, Backup> newest = catalog.newestCompleteBackups();
 *     RequestCounts cost = catalog.requestCounts();
 * }
 * }</pre>
 */
public final class BackupstoreCatalog implements BackupCatalog, ChangeRateSource {

    /** How volumes are discovered. */
    public enum Discovery {
        /** One rolled-up listing of the whole tree, falling back to {@link #LEVEL_BY_LEVEL} when the store needs it. */
        AUTO,
        /** Longhorn's way: one listing per hash directory. */
        LEVEL_BY_LEVEL
    }

    private final CountingObjectSource source;
    private final BackupTarget target;
    private final BackupstoreLayout layout;
    private final SkipRegistry skips;
    private final StoreDiscovery discovery;
    private final CfgCache cfgs;
    private final NewestBackupSearch newest;
    private final StoreScan scans;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final BlockListChangeRates changeRates;

    private BackupstoreCatalog(Builder b) {
        this.source = CountingObjectSource.wrap(b.source);
        this.target = b.target;
        this.layout = BackupstoreLayout.of(b.target);
        // shared: concurrency bounds the requests in flight of every call together, whichever threads make them
        Parallel io = Parallel.of("drkit-s3-catalog", b.concurrency).shared().on(b.executor);
        this.skips = new SkipRegistry(b.listener);
        this.discovery = new StoreDiscovery(source, layout, skips, io, b.discovery == Discovery.LEVEL_BY_LEVEL);
        this.cfgs = new CfgCache(source, layout, target, b.retry, b.metadataPrefixBytes, b.cache, b.cacheBudgetBytes,
                skips);
        this.newest = new NewestBackupSearch(cfgs, discovery, io);
        this.scans = new StoreScan(layout, discovery, cfgs, newest, io);
        this.changeRates = new BlockListChangeRates(this, source, layout, b.retry);
    }

    /** A builder for a catalog reading {@code source}, whose backup URLs name {@code target}. */
    public static Builder builder(ObjectSource source, BackupTarget target) {
        return new Builder(source, target);
    }

    /** The layout (object keys) this catalog reads. */
    public BackupstoreLayout layout() {
        return layout;
    }

    /** Requests this catalog has sent so far, by kind (LIST pages, GETs, HEADs). */
    public RequestCounts requestCounts() {
        return source.counts();
    }

    /** The discovery strategy in use (it switches to {@link Discovery#LEVEL_BY_LEVEL} when the store requires it). */
    public Discovery discovery() {
        return discovery.levelByLevel() ? Discovery.LEVEL_BY_LEVEL : Discovery.AUTO;
    }

    @Override
    public String describe() {
        return "Longhorn backupstore " + target + " via " + source.describe();
    }

    // ------------------------------------------------------------------------------------------------ volumes

    @Override
    public List<BackupVolume> listBackupVolumes() {
        ensureOpen();
        return scans.volumes();
    }

    @Override
    public Optional<BackupVolume> findBackupVolume(String volumeName) {
        if (!BackupstoreLayout.isValidName(volumeName)) {
            return Optional.empty();
        }
        return cfgs.readNamedVolume(volumeName).map(v -> v.toBackupVolume(layout.volumeDir(volumeName)));
    }

    // ------------------------------------------------------------------------------------------------ backups

    @Override
    public List<Backup> listBackups(String volumeName) {
        VolumeConfig v = requireVolume(volumeName);
        ensureOpen();
        return scans.backupsOf(v.ref());
    }

    private VolumeConfig requireVolume(String volumeName) {
        if (!BackupstoreLayout.isValidName(volumeName)) {
            throw new NotFoundException("backup volume " + (volumeName.length() > 80 ? volumeName.substring(0, 80)
                    + "..." : volumeName) + " not found in " + describe() + " (not a name Longhorn accepts: "
                    + "^[a-zA-Z0-9][a-zA-Z0-9_.-]+$, at most " + BackupstoreLayout.MAX_NAME_LENGTH + " characters)");
        }
        return cfgs.readNamedVolume(volumeName).orElseThrow(() -> new NotFoundException("backup volume " + volumeName
                + " not found in " + describe() + " (no " + layout.volumeCfg(volumeName) + ")"));
    }

    @Override
    public Optional<Backup> findBackup(String volumeName, String backupName) {
        if (!BackupstoreLayout.isValidName(volumeName) || !BackupstoreLayout.isValidName(backupName)) {
            return Optional.empty();
        }
        Optional<VolumeConfig> v = cfgs.readNamedVolume(volumeName);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        return cfgs.readBackup(v.get().ref(), backupName, null, null, true);
    }

    /**
     * Exact change rates from the backups' block lists (metadata only): {@code count + 1} streaming GETs of backup cfgs
     * (each about 95 bytes per listed block), spooled to temporary files of 40 bytes per block, compared two at a time
     * with constant heap; see {@link BlockListChangeRates}. Answers are cached for the catalog's life.
     */
    @Override
    public List<ChangeRate> changeRates(String volumeName, String newestBackup, int count, Cancellation cancellation) {
        return changeRates.rates(volumeName, newestBackup, count, cancellation);
    }

    /** Compares {@code backups} (the volume's, as this catalog listed them) without listing them again. */
    @Override
    public List<ChangeRate> changeRates(String volumeName, List<Backup> backups, String newestBackup, int count,
                                        Cancellation cancellation) {
        return changeRates.rates(volumeName, backups, newestBackup, count, cancellation);
    }

    // ------------------------------------------------------------------------------------------------ cheap path

    /**
     * The newest complete backup of one volume by {@link io.drkit.core.catalog.NewestBackupRule}: {@code volume.cfg},
     * one listing of {@code backups/} and the cfg the last-backup pointer names (3 requests when the pointer is
     * right); cfgs written after the pointer's, and every cfg when the pointer is empty, missing or in progress.
     */
    @Override
    public Optional<Backup> newestCompleteBackup(String volumeName) {
        return newest.newestOf(volumeName);
    }

    /**
     * The newest complete backup of every volume, by {@link io.drkit.core.catalog.NewestBackupRule}, from one
     * discovery listing that also enumerates every backup cfg with its last-modified time, one GET of each
     * {@code volume.cfg} and one ranged GET of the cfg its last-backup pointer names: 2 requests per volume plus
     * the listing (about one page per 1,000 cfgs) when the pointer is right. The pointer is a hint: cfgs written at
     * or after the pointer's are read too, and every cfg of a volume whose pointer is empty, stale, in progress or
     * unreadable. Stores that only accept {@code /} as a delimiter cost one more listing per volume.
     */
    @Override
    public Map<String, Backup> newestCompleteBackups() {
        ensureOpen();
        return newest.newestOfAll(discovery.discover(StoreIndex.ROLL_UP_BLOCKS, null));
    }

    /**
     * The newest complete backup of each named volume, without any discovery listing: for callers that already know
     * the volume names (from the cluster's PVs, a plan, a previous scan). Costs 3 requests per volume whose pointer is
     * right ({@code volume.cfg}, a listing of its {@code backups/}, the cfg the pointer names), on any store, by the
     * same rule as {@link #newestCompleteBackups()}. Volumes that do not exist or have no complete backup are absent
     * from the map.
     */
    public Map<String, Backup> newestCompleteBackups(Collection<String> volumeNames) {
        ensureOpen();
        return newest.newestOfNamed(volumeNames);
    }

    /**
     * The newest complete backup of each of {@code volumes} (from {@link #listBackupVolumes()}), by the same rule,
     * without a second discovery or {@code volume.cfg} read: where that listing enumerated the volume's backup cfgs,
     * only the cfg the pointer names is read (1 GET per volume whose pointer is right; cfgs written after it too);
     * elsewhere one listing of {@code backups/} is added.
     */
    @Override
    public Map<String, Backup> newestCompleteBackupsOf(List<BackupVolume> volumes) {
        ensureOpen();
        return newest.newestOfListed(volumes);
    }

    // ------------------------------------------------------------------------------------------------ full scan

    /**
     * Every volume and every backup, read in parallel ({@code concurrency} requests in flight). Objects unchanged
     * since the previous scan of this catalog (same entity tag) are not read again. Also reports system backups and
     * backing images as skipped (they are not volume backups).
     *
     * @throws CancelledException when {@code cancel} fires
     */
    @Override
    public CatalogScan scanAll(CatalogListener listener, Cancellation cancel) {
        ensureOpen();
        return scans.scanAll(listener, cancel);
    }

    @Override
    public List<SkippedEntry> skippedEntries() {
        return skips.entries();
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("catalog is closed: " + describe());
        }
    }

    @Override
    public void close() {
        closed.set(true); // no thread outlives a call: nothing else to stop
    }

    @Override
    public String toString() {
        return "BackupstoreCatalog[" + describe() + "]";
    }

    /** Default estimated heap of the cache of parsed cfgs: 32 MiB ({@link Builder#cacheBudgetBytes}). */
    public static final long DEFAULT_CACHE_BUDGET_BYTES = 32L << 20;

    /** Builds {@link BackupstoreCatalog}s. */
    public static final class Builder {
        private final ObjectSource source;
        private final BackupTarget target;
        private int concurrency = 16;
        private int metadataPrefixBytes = 16 << 10;
        private CatalogListener listener = CatalogListener.NONE;
        private boolean cache = true;
        private long cacheBudgetBytes = DEFAULT_CACHE_BUDGET_BYTES;
        private Executor executor;
        private Discovery discovery = Discovery.AUTO;
        private ReadRetry retry = ReadRetry.DEFAULT;

        private Builder(ObjectSource source, BackupTarget target) {
            this.source = Objects.requireNonNull(source, "source");
            this.target = Objects.requireNonNull(target, "target");
        }

        /** Requests in flight at once (default 16). */
        public Builder concurrency(int n) {
            if (n < 1) {
                throw new InvalidInputException("catalog concurrency must be at least 1, not " + n);
            }
            this.concurrency = n;
            return this;
        }

        /** Bytes of a backup cfg read by the first ranged GET (default 16 KiB; longer metadata costs one more GET). */
        public Builder metadataPrefixBytes(int n) {
            if (n < 256) {
                throw new InvalidInputException("metadata prefix must be at least 256 bytes, not " + n);
            }
            this.metadataPrefixBytes = n;
            return this;
        }

        /** Receives every skipped entry (once per location) found by any call. */
        public Builder listener(CatalogListener l) {
            this.listener = l == null ? CatalogListener.NONE : l;
            return this;
        }

        /** Whether parsed objects are kept and reused while their entity tag is unchanged (default true). */
        public Builder cache(boolean enabled) {
            this.cache = enabled;
            return this;
        }

        /**
         * Estimated heap the cache of parsed cfgs may take (default {@link #DEFAULT_CACHE_BUDGET_BYTES}, 32 MiB: about
         * 19,000 backup cfgs with a PVC's labels); beyond it the least recently used are forgotten and read again when
         * next needed, so memory stays bounded whatever the store's size. 0 keeps nothing, like {@code cache(false)}.
         */
        public Builder cacheBudgetBytes(long bytes) {
            if (bytes < 0) {
                throw new InvalidInputException("catalog cache budget must not be negative, not " + bytes);
            }
            this.cacheBudgetBytes = bytes;
            return this;
        }

        /**
         * Runs work on the caller's executor (never shut down by the catalog; still at most {@code concurrency}
         * requests in flight); default: own daemon threads for the length of a call. The calling thread works too and
         * runs what the executor has not started, so calling the catalog from that executor's own threads is safe.
         */
        public Builder executor(Executor executor) {
            this.executor = executor;
            return this;
        }

        /**
         * How often reading a cfg whose body fails transiently (a connection reset or a body cut short, a stalled
         * body, a 5xx after the S3 client's own retries) is tried, and the first wait between attempts, doubling
         * (default 3, 200 ms: the same rule as block reads). Missing objects, bad data and refusals are not retried.
         */
        public Builder retries(int attempts, java.time.Duration backoff) {
            this.retry = new ReadRetry(attempts, backoff);
            return this;
        }

        /** How volumes are discovered (default {@link Discovery#AUTO}). */
        public Builder discovery(Discovery d) {
            this.discovery = Objects.requireNonNull(d);
            return this;
        }

        /** Builds the catalog; no request is sent. */
        public BackupstoreCatalog build() {
            return new BackupstoreCatalog(this);
        }
    }
}
