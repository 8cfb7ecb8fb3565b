package io.drkit.s3;

import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import io.drkit.core.DrException;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
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
import io.drkit.s3.internal.BackupConfig;
import io.drkit.s3.internal.BlockListChangeRates;
import io.drkit.s3.internal.CfgParser;
import io.drkit.s3.internal.NewestBackupSearch;
import io.drkit.s3.internal.ReadRetry;
import io.drkit.s3.internal.StoreIndex;
import io.drkit.s3.internal.VolumeConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * progress or unreadable, are read too); work runs in parallel with bounded concurrency. Parsed objects are cached with their entity tags, so a
 * second {@link #scanAll(CatalogListener)} re-reads only objects that changed.
 *
 * <p>Malformed entries never fail a scan: in-progress backups, unreadable or invalid cfgs, invalid names, temporary
 * files, directories without {@code volume.cfg}, system backups and backing images are reported through
 * {@link #skippedEntries()} and the listener, with their key and reason. In-progress backups are also listed by
 * {@link #listBackups(String)} (state {@code IN_PROGRESS}), as the catalog contract requires. A store that cannot be
 * reached (bad credentials, outage after retries) fails the call with {@link UnavailableException}.
 *
 * <p>Thread-safe and meant to be shared. {@link #close()} stops the catalog's own threads and never closes the
 * object source (it belongs to the caller).
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
    private static final Logger LOG = LoggerFactory.getLogger(BackupstoreCatalog.class);
    private static final ThreadLocal<Boolean> IN_POOL = ThreadLocal.withInitial(() -> false);

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
    private final int concurrency;
    private final int prefixBytes;
    private final ReadRetry retry;
    private final CatalogListener listener;
    private final boolean cacheEnabled;
    private final ExecutorService executor;
    private final boolean ownsExecutor;
    private final java.util.concurrent.Semaphore inFlight;
    private volatile Discovery discovery;
    private final Map<String, SkippedEntry> skipped = Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Cached<VolumeConfig>> volumeCache = new ConcurrentHashMap<>();
    private final Map<String, Cached<BackupConfig>> backupCache = new ConcurrentHashMap<>();
    private final Map<String, PointerHint> hints = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final BlockListChangeRates changeRates;

    private record Cached<T>(ObjectInfo info, T value, SkippedEntry problem) {
    }

    private BackupstoreCatalog(Builder b) {
        this.source = CountingObjectSource.wrap(b.source);
        this.target = b.target;
        this.layout = BackupstoreLayout.of(b.target);
        this.concurrency = b.concurrency;
        this.prefixBytes = b.metadataPrefixBytes;
        this.retry = b.retry;
        this.listener = b.listener;
        this.cacheEnabled = b.cache;
        this.discovery = b.discovery;
        this.inFlight = new java.util.concurrent.Semaphore(b.concurrency);
        this.changeRates = new BlockListChangeRates(this, source, layout, retry);
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownsExecutor = false;
        } else {
            AtomicInteger n = new AtomicInteger();
            ThreadFactory tf = r -> {
                Thread t = new Thread(r, "drkit-s3-catalog-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            this.executor = Executors.newFixedThreadPool(b.concurrency, tf);
            this.ownsExecutor = true;
        }
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

    @Override
    public String describe() {
        return "Longhorn backupstore " + target + " via " + source.describe();
    }

    // ------------------------------------------------------------------------------------------------ volumes

    @Override
    public List<BackupVolume> listBackupVolumes() {
        return volumes(discover(StoreIndex.ROLL_UP_BLOCKS, null), null, Cancellation.none());
    }

    @Override
    public Optional<BackupVolume> findBackupVolume(String volumeName) {
        if (!BackupstoreLayout.isValidName(volumeName)) {
            return Optional.empty();
        }
        return readNamedVolume(volumeName).map(v -> v.toBackupVolume(layout.volumeDir(volumeName)));
    }

    private List<BackupVolume> volumes(StoreIndex index, CatalogScanState scan, Cancellation cancel) {
        List<StoreIndex.VolumeDir> dirs = new ArrayList<>(index.volumes().values());
        List<Optional<VolumeConfig>> read = parallel(dirs, d -> readVolumeDir(d, scan), cancel, "reading volume.cfg files");
        List<BackupVolume> out = new ArrayList<>();
        for (int i = 0; i < dirs.size(); i++) {
            StoreIndex.VolumeDir d = dirs.get(i);
            read.get(i).ifPresentOrElse(v -> {
                BackupVolume bv = v.toBackupVolume(layout.volumeDir(v.name()));
                out.add(bv);
                Map<String, ObjectInfo> cfgs = d.backups() == null ? Map.of()
                        : NewestBackupSearch.pointerAndLater(v.lastBackupName(), d.backups());
                if (!cfgs.isEmpty()) {
                    hints.put(v.name(), new PointerHint(bv, cfgs, false));
                } else if (d.backups() != null && d.backups().isEmpty()) {
                    hints.put(v.name(), new PointerHint(bv, Map.of(), true));
                } else {
                    hints.remove(v.name()); // a wrong pointer: newestCompleteBackupsOf lists the backups again
                }
            }, () -> hints.remove(d.name()));
        }
        return out;
    }

    private Optional<VolumeConfig> readVolumeDir(StoreIndex.VolumeDir d, CatalogScanState scan) {
        if (BackupstoreLayout.BACKING_IMAGE_LOCK_VOLUME.equals(d.name())) {
            skip(d.dir(), SkippedEntry.Reason.NO_VOLUME_CFG, "lock directory of Longhorn's backing-image backups", scan);
            return Optional.empty();
        }
        if (d.contentsKnown() && d.volumeCfg() == null) {
            skip(d.dir(), SkippedEntry.Reason.NO_VOLUME_CFG, "directory has no volume.cfg (partly deleted volume?)", scan);
            return Optional.empty();
        }
        Optional<VolumeConfig> v = readVolume(d.name(), d.volumeCfg(), scan);
        if (v.isEmpty() && !skipped.containsKey(d.dir() + BackupstoreLayout.VOLUME_CFG)) {
            skip(d.dir(), SkippedEntry.Reason.NO_VOLUME_CFG, "directory has no volume.cfg (partly deleted volume?)", scan);
        }
        return v;
    }

    /**
     * Reads the volume.cfg of a volume asked for by name: empty when it does not exist; unlike in a scan, a cfg that
     * cannot be parsed ({@link InvalidBackupDataException}) or that the store refuses to serve (access denied,
     * {@link UnavailableException}) fails the call instead of making the volume look absent.
     */
    private Optional<VolumeConfig> readNamedVolume(String volume) {
        return readVolume(volume, null, null, true);
    }

    private Optional<VolumeConfig> readVolume(String volume, ObjectInfo listed, CatalogScanState scan) {
        return readVolume(volume, listed, scan, false);
    }

    /** Reads (or reuses) one volume.cfg; empty when missing or skipped ({@code named}: bad data and refusals throw). */
    private Optional<VolumeConfig> readVolume(String volume, ObjectInfo listed, CatalogScanState scan, boolean named) {
        String key = layout.volumeCfg(volume);
        Cached<VolumeConfig> c = cacheEnabled && listed != null ? volumeCache.get(key) : null;
        if (c != null && sameVersion(c.info(), listed)) {
            if (c.problem() != null) {
                skip(c.problem(), scan);
                return Optional.empty();
            }
            return Optional.of(c.value());
        }
        ObjectInfo info = listed;
        try {
            Parsed<VolumeConfig> read = retry.call("reading " + key, Cancellation.none(), () -> {
                try (ObjectStream in = source.get(key)) {
                    return new Parsed<>(in.info(), CfgParser.parseVolume(in, key));
                }
            });
            info = listed != null ? listed : read.info();
            VolumeConfig v = read.value();
            if (!v.name().isEmpty() && !v.name().equals(volume)) {
                throw new InvalidBackupDataException(key, "volume.cfg names volume '" + v.name() + "' but lives in the directory of '"
                        + volume + "'");
            }
            v.compression();
            VolumeConfig withName = v.name().isEmpty() ? withName(v, volume) : v;
            withName.toBackupVolume(key); // validates times
            cache(volumeCache, key, new Cached<>(info, withName, null));
            return Optional.of(withName);
        } catch (NotFoundException e) {
            volumeCache.remove(key);
            return Optional.empty();
        } catch (InvalidBackupDataException e) {
            SkippedEntry s = new SkippedEntry(key, SkippedEntry.Reason.INVALID_DATA, e.detail());
            cache(volumeCache, key, new Cached<>(info, null, s));
            skip(s, scan);
            if (named) {
                throw e;
            }
            return Optional.empty();
        } catch (UnavailableException e) {
            if (named || !isPerObjectRefusal(e)) {
                throw e;
            }
            skip(new SkippedEntry(key, SkippedEntry.Reason.UNREADABLE, e.getMessage()), scan);
            return Optional.empty();
        }
    }

    private static VolumeConfig withName(VolumeConfig v, String name) {
        return new VolumeConfig(name, v.size(), v.labels(), v.createdTime(), v.lastBackupName(), v.lastBackupAt(),
                v.blockCount(), v.backingImageName(), v.backingImageChecksum(), v.compressionMethod(),
                v.storageClassName(), v.dataEngine());
    }

    // ------------------------------------------------------------------------------------------------ backups

    @Override
    public List<Backup> listBackups(String volumeName) {
        VolumeConfig v = requireVolume(volumeName);
        return backupsOf(v, null, true, null, Cancellation.none());
    }

    private VolumeConfig requireVolume(String volumeName) {
        if (!BackupstoreLayout.isValidName(volumeName)) {
            throw new NotFoundException("backup volume " + (volumeName.length() > 80 ? volumeName.substring(0, 80)
                    + "..." : volumeName) + " not found in " + describe() + " (not a name Longhorn accepts: "
                    + "^[a-zA-Z0-9][a-zA-Z0-9_.-]+$, at most " + BackupstoreLayout.MAX_NAME_LENGTH + " characters)");
        }
        return readNamedVolume(volumeName).orElseThrow(() -> new NotFoundException("backup volume " + volumeName
                + " not found in " + describe() + " (no " + layout.volumeCfg(volumeName) + ")"));
    }

    /**
     * The backups of one volume, newest first. {@code listed} = backup cfgs from a discovery listing, or null to
     * list {@code backups/}.
     */
    private List<Backup> backupsOf(VolumeConfig v, Map<String, ObjectInfo> listed, boolean inParallel,
                                   CatalogScanState scan, Cancellation cancel) {
        Map<String, ObjectInfo> cfgs = listed != null ? listed : listBackupCfgs(v.name(), scan);
        List<Map.Entry<String, ObjectInfo>> entries = new ArrayList<>(cfgs.entrySet());
        Function<Map.Entry<String, ObjectInfo>, Optional<Backup>> read = e -> readBackup(v, e.getKey(), e.getValue(), scan);
        List<Optional<Backup>> results = inParallel
                ? parallel(entries, read, cancel, "reading backup cfgs of " + v.name())
                : entries.stream().map(read).toList();
        List<Backup> out = new ArrayList<>();
        results.forEach(o -> o.ifPresent(out::add));
        out.sort(Backup.NEWEST_FIRST);
        return out;
    }

    private Map<String, ObjectInfo> listBackupCfgs(String volume, CatalogScanState scan) {
        Map<String, ObjectInfo> out = new TreeMap<>();
        String dir = layout.backupsDir(volume);
        source.list(dir, "/", new ListingVisitor() {
            @Override
            public void object(ObjectInfo o) {
                String file = o.key().substring(dir.length());
                Optional<String> name = BackupstoreLayout.backupNameOf(file);
                if (name.isPresent()) {
                    out.put(name.get(), o);
                } else if (BackupstoreLayout.isTempFile(file)) {
                    skip(o.key(), SkippedEntry.Reason.TEMP_FILE, "temporary file left by an interrupted write", scan);
                } else {
                    skip(o.key(), SkippedEntry.Reason.INVALID_NAME, "not a backup_<name>.cfg with a name Longhorn accepts", scan);
                }
            }

            @Override
            public void commonPrefix(String p) {
                skip(p, SkippedEntry.Reason.INVALID_NAME, "unexpected directory in a backups directory", scan);
            }

            @Override
            public void unreadable(String key, String reason) {
                skip(key, SkippedEntry.Reason.UNREADABLE, reason, scan);
            }
        });
        return out;
    }

    private Optional<Backup> readBackup(VolumeConfig v, String backupName, ObjectInfo listed, CatalogScanState scan) {
        return readBackup(v, backupName, listed, scan, false);
    }

    /**
     * Reads (or reuses) one backup cfg's metadata; empty when it vanished or is skipped as invalid. {@code named}: a
     * backup asked for by name, where the store refusing access fails the call instead of making it look absent.
     */
    private Optional<Backup> readBackup(VolumeConfig v, String backupName, ObjectInfo listed, CatalogScanState scan,
                                        boolean named) {
        String key = layout.backupCfg(v.name(), backupName);
        Cached<BackupConfig> c = cacheEnabled && listed != null ? backupCache.get(key) : null;
        BackupConfig cfg;
        if (c != null && sameVersion(c.info(), listed)) {
            if (c.problem() != null) {
                skip(c.problem(), scan);
                return Optional.empty();
            }
            cfg = c.value();
        } else {
            try {
                ReadResult r = readBackupMetadata(key, backupName, v.name());
                cfg = r.cfg();
                cache(backupCache, key, new Cached<>(listed != null ? listed : r.info(), cfg, null));
            } catch (NotFoundException e) {
                backupCache.remove(key);
                skip(new SkippedEntry(key, SkippedEntry.Reason.UNREADABLE, "vanished between listing and reading: "
                        + e.getMessage()), scan);
                return Optional.empty();
            } catch (InvalidBackupDataException e) {
                SkippedEntry s = new SkippedEntry(key, SkippedEntry.Reason.INVALID_DATA, e.detail());
                cache(backupCache, key, new Cached<>(listed, null, s));
                skip(s, scan);
                return Optional.empty();
            } catch (UnavailableException e) {
                if (named || !isPerObjectRefusal(e)) {
                    throw e;
                }
                skip(new SkippedEntry(key, SkippedEntry.Reason.UNREADABLE, e.getMessage()), scan);
                return Optional.empty();
            }
        }
        if (cfg.inProgress()) {
            skip(new SkippedEntry(key, SkippedEntry.Reason.IN_PROGRESS,
                    "CreatedTime is empty: backup still running or failed; not a restore candidate"), scan);
        }
        return Optional.of(cfg.toBackup(target.backupUrl(backupName, v.name()), v.size(), key));
    }

    private record ReadResult(BackupConfig cfg, ObjectInfo info) {
    }

    /** A parsed object and what the store said about it. */
    private record Parsed<T>(ObjectInfo info, T value) {
    }

    /**
     * Reads backup metadata: a ranged GET of the first bytes, and a streaming GET (stopped at {@code Blocks}) only
     * when the metadata is longer than that.
     */
    private ReadResult readBackupMetadata(String key, String backupName, String volume) {
        Parsed<BackupConfig> prefix = retry.call("reading " + key, Cancellation.none(), () -> {
            try (ObjectStream in = source.getRange(key, 0, prefixBytes)) {
                try {
                    return new Parsed<>(in.info(), CfgParser.parseBackupMetadata(in, key));
                } catch (CfgParser.TruncatedException e) {
                    if (in.info().size() <= prefixBytes) {
                        throw new InvalidBackupDataException(key, "backup cfg is truncated: " + e.getMessage(), e);
                    }
                    return new Parsed<BackupConfig>(in.info(), null);
                }
            }
        });
        Parsed<BackupConfig> whole = prefix.value() != null ? prefix
                : retry.call("reading " + key, Cancellation.none(), () -> {
                    try (ObjectStream in = source.get(key)) {
                        return new Parsed<>(in.info(), CfgParser.parseBackupMetadataComplete(in, key));
                    }
                });
        BackupConfig cfg = whole.value();
        ObjectInfo info = whole.info();
        if (!cfg.name().isEmpty() && !cfg.name().equals(backupName)) {
            throw new InvalidBackupDataException(key, "cfg names backup '" + cfg.name() + "' but its file is backup_"
                    + backupName + ".cfg");
        }
        if (!cfg.volumeName().isEmpty() && !cfg.volumeName().equals(volume)) {
            throw new InvalidBackupDataException(key, "cfg names volume '" + cfg.volumeName() + "' but lives under volume "
                    + volume);
        }
        BackupConfig named = cfg;
        if (cfg.name().isEmpty() || cfg.volumeName().isEmpty()) {
            named = new BackupConfig(backupName, volume, cfg.snapshotName(), cfg.snapshotCreatedAt(), cfg.createdTime(),
                    cfg.size(), cfg.labels(), cfg.parameters(), cfg.incremental(), cfg.compressionMethod(),
                    cfg.newlyUploadedDataSize(), cfg.reUploadedDataSize(), cfg.hasBlocks());
        }
        named.toBackup("", 0, key); // validates times, compression, block size
        return new ReadResult(named, info);
    }

    @Override
    public Optional<Backup> findBackup(String volumeName, String backupName) {
        if (!BackupstoreLayout.isValidName(volumeName) || !BackupstoreLayout.isValidName(backupName)) {
            return Optional.empty();
        }
        Optional<VolumeConfig> v = readNamedVolume(volumeName);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        return readBackup(v.get(), backupName, null, null, true);
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

    // ------------------------------------------------------------------------------------------------ cheap path

    /**
     * The newest complete backup of one volume by {@link io.drkit.core.catalog.NewestBackupRule}: {@code volume.cfg},
     * one listing of {@code backups/} and the cfg the last-backup pointer names (3 requests when the pointer is
     * right); cfgs written after the pointer's, and every cfg when the pointer is empty, missing or in progress.
     */
    @Override
    public Optional<Backup> newestCompleteBackup(String volumeName) {
        if (!BackupstoreLayout.isValidName(volumeName)) {
            return Optional.empty();
        }
        return readNamedVolume(volumeName).flatMap(v -> newest(v, listBackupCfgs(v.name(), null), true));
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
        StoreIndex index = discover(StoreIndex.ROLL_UP_BLOCKS, null);
        List<StoreIndex.VolumeDir> dirs = new ArrayList<>(index.volumes().values());
        List<Optional<Backup>> newest = parallel(dirs, d -> readVolumeDir(d, null).flatMap(v -> newest(v, listedCfgs(d), true)),
                Cancellation.none(), "finding the newest backups");
        Map<String, Backup> out = new TreeMap<>();
        newest.forEach(o -> o.ifPresent(b -> out.put(b.volumeName(), b)));
        return out;
    }

    /**
     * The newest complete backup of each named volume, without any discovery listing: for callers that already know
     * the volume names (from the cluster's PVs, a plan, a previous scan). Costs 3 requests per volume whose pointer is
     * right ({@code volume.cfg}, a listing of its {@code backups/}, the cfg the pointer names), on any store, by the
     * same rule as {@link #newestCompleteBackups()}. Volumes that do not exist or have no complete backup are absent
     * from the map.
     */
    public Map<String, Backup> newestCompleteBackups(java.util.Collection<String> volumeNames) {
        List<String> names = volumeNames.stream().filter(BackupstoreLayout::isValidName).distinct().toList();
        List<Optional<Backup>> newest = parallel(names,
                n -> readVolume(n, null, null).flatMap(v -> newest(v, listBackupCfgs(v.name(), null), true)),
                Cancellation.none(), "finding the newest backups");
        Map<String, Backup> out = new TreeMap<>();
        newest.forEach(o -> o.ifPresent(b -> out.put(b.volumeName(), b)));
        return out;
    }

    /**
     * The newest complete backup of each of {@code volumes} (from {@link #listBackupVolumes()}), by the same rule,
     * without a second discovery or {@code volume.cfg} read: where that listing enumerated the volume's backup cfgs,
     * only the cfg the pointer names is read (1 GET per volume whose pointer is right; cfgs written after it too);
     * elsewhere one listing of {@code backups/} is added.
     */
    @Override
    public Map<String, Backup> newestCompleteBackupsOf(List<BackupVolume> volumes) {
        List<BackupVolume> known = volumes.stream().filter(v -> BackupstoreLayout.isValidName(v.name())).toList();
        List<Optional<Backup>> newest = parallel(known, bv -> {
            VolumeConfig v = new VolumeConfig(bv.name(), bv.size(), bv.labels(), null, bv.lastBackupName().orElse(""),
                    null, 0, null, null, bv.compression().wireName(), null, bv.dataEngine());
            PointerHint hint = hints.get(bv.name());
            if (hint != null && hint.volume().equals(bv)) {
                return newest(v, hint.cfgs(), hint.complete());
            }
            return newest(v, listBackupCfgs(v.name(), null), true);
        }, Cancellation.none(), "finding the newest backups");
        Map<String, Backup> out = new TreeMap<>();
        newest.forEach(o -> o.ifPresent(b -> out.put(b.volumeName(), b)));
        return out;
    }

    /**
     * What a discovery listing showed of one volume's backup cfgs, kept for {@link #newestCompleteBackupsOf}: the
     * cfg the pointer names and those written at or after it ({@code complete} false), or every cfg when there are
     * none ({@code complete} true), for the volume value the same listing produced.
     */
    private record PointerHint(BackupVolume volume, Map<String, ObjectInfo> cfgs, boolean complete) {
    }

    /** The backup cfgs a discovery listing enumerated for {@code d}, else one listing of its {@code backups/}. */
    private Map<String, ObjectInfo> listedCfgs(StoreIndex.VolumeDir d) {
        if (d.backups() != null) {
            return d.backups();
        }
        return d.contentsKnown() && !d.hasBackupsDir() ? Map.of() : listBackupCfgs(d.name(), null);
    }

    /** The rule's newest complete backup of {@code v} among {@code listed} (all its cfgs, or a pointer hint). */
    private Optional<Backup> newest(VolumeConfig v, Map<String, ObjectInfo> listed, boolean complete) {
        Optional<Backup> found = NewestBackupSearch.find(v.lastBackupName(), listed, complete,
                () -> listBackupCfgs(v.name(), null), (name, info) -> readBackup(v, name, info, null));
        if (LOG.isDebugEnabled() && found.isPresent() && !found.get().name().equals(v.lastBackupName())) {
            LOG.debug("last-backup pointer of {} names '{}', but the newest complete backup is {}", v.name(),
                    v.lastBackupName(), found.get().name());
        }
        return found;
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
        CatalogListener l = listener == null ? CatalogListener.NONE : listener;
        Cancellation c = cancel == null ? Cancellation.none() : cancel;
        CatalogScanState scan = new CatalogScanState(l);
        reportNonVolumeEntries(scan);
        c.throwIfCancelled("backupstore scan");
        StoreIndex index = discover(StoreIndex.ROLL_UP_BLOCKS, scan);
        int total = index.volumes().size();
        safe(() -> l.scanStarted(total));
        AtomicInteger done = new AtomicInteger();
        List<StoreIndex.VolumeDir> dirs = new ArrayList<>(index.volumes().values());
        // phase 1: volume.cfg files, and backups/ listings where discovery did not enumerate them
        List<VolumeWork> work = parallel(dirs, d -> {
            Optional<VolumeConfig> read = readVolumeDir(d, scan);
            if (read.isEmpty()) {
                int n = done.incrementAndGet();
                safe(() -> l.volumeScanned(d.name(), n, total));
                return null;
            }
            VolumeConfig v = read.get();
            Map<String, ObjectInfo> cfgs = d.backups() != null ? d.backups()
                    : d.contentsKnown() && !d.hasBackupsDir() ? Map.of() : listBackupCfgs(d.name(), scan);
            return new VolumeWork(v.toBackupVolume(d.dir()), v, cfgs);
        }, c, "backupstore scan");
        // phase 2: every backup cfg of every volume, in one parallel pass
        List<Object[]> cfgTasks = new ArrayList<>();
        for (VolumeWork w : work) {
            if (w != null) {
                w.cfgs().forEach((name, info) -> cfgTasks.add(new Object[] {w, name, info}));
            }
        }
        Map<String, List<Backup>> backups = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> remaining = new ConcurrentHashMap<>();
        for (VolumeWork w : work) {
            if (w != null) {
                backups.put(w.volume().name(), Collections.synchronizedList(new ArrayList<>()));
                remaining.put(w.volume().name(), new AtomicInteger(w.cfgs().size()));
                if (w.cfgs().isEmpty()) {
                    int n = done.incrementAndGet();
                    safe(() -> l.volumeScanned(w.volume().name(), n, total));
                }
            }
        }
        parallel(cfgTasks, t -> {
            VolumeWork w = (VolumeWork) t[0];
            readBackup(w.cfg(), (String) t[1], (ObjectInfo) t[2], scan).ifPresent(backups.get(w.volume().name())::add);
            if (remaining.get(w.volume().name()).decrementAndGet() == 0) {
                int n = done.incrementAndGet();
                safe(() -> l.volumeScanned(w.volume().name(), n, total));
            }
            return null;
        }, c, "backupstore scan");
        List<BackupVolume> volumes = new ArrayList<>();
        Map<String, List<Backup>> sorted = new TreeMap<>();
        for (VolumeWork w : work) {
            if (w != null) {
                volumes.add(w.volume());
                List<Backup> bs = new ArrayList<>(backups.get(w.volume().name()));
                bs.sort(Backup.NEWEST_FIRST);
                sorted.put(w.volume().name(), bs);
            }
        }
        volumes.sort(java.util.Comparator.comparing(BackupVolume::name));
        CatalogScan result = new CatalogScan(volumes, sorted, scan.skipped());
        safe(() -> l.scanFinished(result.volumes().size(), result.backupCount(), result.skipped().size()));
        return result;
    }

    private record VolumeWork(BackupVolume volume, VolumeConfig cfg, Map<String, ObjectInfo> cfgs) {
    }

    private void reportNonVolumeEntries(CatalogScanState scan) {
        ObjectListing top = source.list(layout.root(), "/");
        top.unreadable().forEach((key, why) -> skip(key, SkippedEntry.Reason.UNREADABLE, why, scan));
        for (ObjectInfo o : top.objects()) {
            skip(o.key(), BackupstoreLayout.isTempFile(o.name()) ? SkippedEntry.Reason.TEMP_FILE
                    : SkippedEntry.Reason.NOT_A_VOLUME_BACKUP, "not part of Longhorn's volume backups", scan);
        }
        for (String p : top.commonPrefixes()) {
            if (p.equals(layout.volumesRoot())) {
                continue;
            }
            if (p.equals(layout.systemBackupsRoot())) {
                for (String version : source.list(p, "/").commonPrefixes()) {
                    for (String sb : source.list(version, "/").commonPrefixes()) {
                        skip(sb, SkippedEntry.Reason.NOT_A_VOLUME_BACKUP, "Longhorn system backup "
                                + version.substring(p.length(), version.length() - 1) + "/"
                                + sb.substring(version.length(), sb.length() - 1), scan);
                    }
                }
            } else if (p.equals(layout.backingImagesRoot())) {
                for (String sub : source.list(p, "/").commonPrefixes()) {
                    if (sub.endsWith("/backing-images/")) {
                        for (String bi : source.list(sub, "/").commonPrefixes()) {
                            skip(bi, SkippedEntry.Reason.NOT_A_VOLUME_BACKUP, "backing-image backup "
                                    + bi.substring(sub.length(), bi.length() - 1), scan);
                        }
                    } else {
                        skip(sub, SkippedEntry.Reason.NOT_A_VOLUME_BACKUP, "backing-image block pool", scan);
                    }
                }
            } else {
                skip(p, SkippedEntry.Reason.NOT_A_VOLUME_BACKUP, "unknown directory in backupstore/", scan);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ discovery

    private StoreIndex discover(String delimiter, CatalogScanState scan) {
        StoreIndex index = null;
        if (discovery == Discovery.AUTO) {
            try {
                index = StoreIndex.rolledUp(source, layout, delimiter);
            } catch (StoreIndex.DelimiterIgnoredException e) {
                LOG.debug("{} does not honour multi-character delimiters ({}); listing level by level", source.describe(),
                        e.getMessage());
                discovery = Discovery.LEVEL_BY_LEVEL;
            }
        }
        if (index == null) {
            index = StoreIndex.hierarchical(source, layout, prefixes -> parallel(prefixes, p -> source.list(p, "/"),
                    Cancellation.none(), "listing volume directories"));
        }
        for (SkippedEntry s : index.skipped()) {
            skip(s, scan);
        }
        return index;
    }

    /** The discovery strategy in use (it switches to {@link Discovery#LEVEL_BY_LEVEL} when the store requires it). */
    public Discovery discovery() {
        return discovery;
    }

    // ------------------------------------------------------------------------------------------------ skips

    @Override
    public List<SkippedEntry> skippedEntries() {
        synchronized (skipped) {
            return List.copyOf(skipped.values());
        }
    }

    private void skip(String location, SkippedEntry.Reason reason, String detail, CatalogScanState scan) {
        skip(new SkippedEntry(location, reason, detail), scan);
    }

    private void skip(SkippedEntry s, CatalogScanState scan) {
        boolean first;
        synchronized (skipped) {
            first = skipped.putIfAbsent(s.location(), s) == null;
        }
        if (first) {
            if (s.reason() == SkippedEntry.Reason.IN_PROGRESS || s.reason() == SkippedEntry.Reason.NOT_A_VOLUME_BACKUP) {
                LOG.debug("skipped {}", s);
            } else {
                LOG.warn("skipped {}", s);
            }
            safe(() -> listener.entrySkipped(s));
        }
        if (scan != null) {
            scan.add(s);
        }
    }

    private static final class CatalogScanState {
        private final CatalogListener listener;
        private final Map<String, SkippedEntry> skipped = new LinkedHashMap<>();

        CatalogScanState(CatalogListener listener) {
            this.listener = listener;
        }

        void add(SkippedEntry s) {
            boolean first;
            synchronized (skipped) {
                first = skipped.putIfAbsent(s.location(), s) == null;
            }
            if (first) {
                safe(() -> listener.entrySkipped(s));
            }
        }

        List<SkippedEntry> skipped() {
            synchronized (skipped) {
                return new ArrayList<>(skipped.values());
            }
        }
    }

    private static void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("catalog listener threw; ignored", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static boolean isPerObjectRefusal(UnavailableException e) {
        int status = e.status().orElse(-1);
        return status == 403 || status == 401;
    }

    private static boolean sameVersion(ObjectInfo a, ObjectInfo b) {
        if (a == null || b == null || a.size() != b.size()) {
            return false;
        }
        if (!a.etag().isEmpty() && !b.etag().isEmpty()) {
            return a.etag().equals(b.etag());
        }
        return a.lastModified().getEpochSecond() == b.lastModified().getEpochSecond();
    }

    private <T> void cache(Map<String, Cached<T>> cache, String key, Cached<T> c) {
        if (cacheEnabled && c.info() != null) {
            cache.put(key, c);
        }
    }

    /** Runs {@code fn} over {@code items} on the pool (inline when already on a pool thread), in order. */
    private <T, R> List<R> parallel(List<T> items, Function<T, R> fn, Cancellation cancel, String what) {
        if (closed.get()) {
            throw new IllegalStateException("catalog is closed: " + describe());
        }
        if (items.size() <= 1 || IN_POOL.get()) {
            List<R> out = new ArrayList<>(items.size());
            for (T t : items) {
                cancel.throwIfCancelled(what);
                out.add(fn.apply(t));
            }
            return out;
        }
        List<Future<R>> futures = new ArrayList<>(items.size());
        AtomicBoolean stop = new AtomicBoolean();
        for (T t : items) {
            futures.add(executor.submit(() -> {
                if (stop.get() || cancel.isCancelled()) {
                    return null;
                }
                inFlight.acquire(); // bounds requests in flight on a caller's larger executor too
                IN_POOL.set(true);
                try {
                    return fn.apply(t);
                } catch (RuntimeException e) {
                    stop.set(true);
                    throw e;
                } finally {
                    IN_POOL.set(false);
                    inFlight.release();
                }
            }));
        }
        List<R> out = new ArrayList<>(items.size());
        try {
            for (Future<R> f : futures) {
                out.add(f.get());
            }
            cancel.throwIfCancelled(what);
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            futures.forEach(f -> f.cancel(true));
            throw new CancelledException(what + " was interrupted", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof DrException de) {
                throw de;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new UnavailableException(what + " failed: " + cause, cause);
        } catch (CancelledException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownsExecutor) {
            executor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "BackupstoreCatalog[" + describe() + "]";
    }

    /** Builds {@link BackupstoreCatalog}s. */
    public static final class Builder {
        private final ObjectSource source;
        private final BackupTarget target;
        private int concurrency = 16;
        private int metadataPrefixBytes = 16 << 10;
        private CatalogListener listener = CatalogListener.NONE;
        private boolean cache = true;
        private ExecutorService executor;
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
         * Runs work on the caller's executor (not shut down by {@link #close()}; still at most {@code concurrency}
         * tasks at once); default: own daemon threads. Do not call the catalog from that executor's own threads:
         * a call waits for tasks it queued there.
         */
        public Builder executor(ExecutorService executor) {
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
