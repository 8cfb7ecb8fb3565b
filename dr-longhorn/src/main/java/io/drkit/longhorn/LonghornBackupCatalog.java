package io.drkit.longhorn;

import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import io.drkit.core.NotFoundException;
import io.drkit.core.Parallel;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.CatalogCompleteness;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.catalog.ChangeRate;
import io.drkit.core.catalog.ChangeRateSource;
import io.drkit.core.catalog.NewestBackupRule;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.catalog.SyncedView;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.CompressionMethod;
import io.drkit.longhorn.internal.Parsed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BackupCatalog} over Longhorn's REST API: what backups the running (or rebuilt) Longhorn knows, on one
 * backup target.
 *
 * <p>Backup volumes are matched by their original volume name ({@code volumeName} on 1.8+, the id before), so the
 * hashed or random BackupVolume ids of 1.8+ never leak into names; the id is kept as {@link BackupVolume#backendId()}.
 * Only {@code Completed} backups with a URL are complete. The newest backup is the backup volume's
 * {@code lastBackupName} when the list confirms it is complete and nothing newer is, else the newest complete one.
 * Labels give the PVC mapping ({@code KubernetesStatus}) and recurring-job information. Backup volumes for which
 * Longhorn reports an error are skipped and reported in {@link #skippedEntries()}.
 *
 * <p><b>Longhorn's view fills in over minutes</b> after a rebuild. {@link #completeness()} (and {@link #scanAll},
 * which calls it first) checks what the REST API shows: the backup target exists, has a URL and is available; no
 * backup volume is still empty (never synced: no creation time, size, pointer or labels); each volume's last backup
 * is listed and inspected (state not empty). A last backup that is not listed while the volume's other backups are
 * all listed and inspected is the store's stale pointer, not a gap (Longhorn writes the pointer only after creating
 * every Backup). Where the view is not complete the catalog asks for syncs as Longhorn's UI does
 * ({@code backupVolumeSync}, {@code PUT /v1/backuptargets}; Longhorn 1.6.2+, at most every 30 s each; older versions
 * are waited for until their own poll) and waits up to {@link Builder#syncWait} (default 5 min), telling the
 * {@link Builder#listener}. What is still missing then is the answer, and each unsynced volume is a
 * {@link SkippedEntry.Reason#NOT_SYNCED} entry of {@link #skippedEntries()}; once complete, the catalog does not check
 * again. The listing methods never wait. <b>Limit:</b> the REST API does not report when Longhorn last synced its
 * target (the CRDs do: prefer {@code LonghornCrdCatalog} where the Kubernetes API is reachable), so a reachable target
 * whose first sync has not created any backup volume yet cannot be told from an empty store.
 *
 * <p>Thread-safe; {@link #close()} closes the client only when asked to ({@link Builder#closeClient(boolean)}).
 */
public final class LonghornBackupCatalog implements BackupCatalog, ChangeRateSource {
    private static final Logger LOG = LoggerFactory.getLogger(LonghornBackupCatalog.class);

    private final LonghornClient client;
    private final String targetName;
    private final Parallel io;
    private final boolean closeClient;
    private final Map<String, SkippedEntry> skipped = new LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CatalogListener listener;
    private final SyncedView view;

    /** The default of {@link Builder#syncWait}. */
    public static final Duration DEFAULT_SYNC_WAIT = Duration.ofMinutes(5);

    private LonghornBackupCatalog(Builder b) {
        this.client = Objects.requireNonNull(b.client, "client");
        this.targetName = b.targetName;
        this.io = Parallel.of("drkit-longhorn-catalog", b.parallelism);
        this.closeClient = b.closeClient;
        this.listener = b.listener;
        LonghornViewCheck viewCheck = new LonghornViewCheck(client, targetName, b.requestSync, this::backupVolumes,
                this::backupsOf);
        this.view = new SyncedView("Longhorn's view at " + client.baseUrl(), viewCheck::check, b.syncWait,
                b.pollInterval);
    }

    /** A catalog of the {@code default} backup target, listing with up to 4 requests at once; the client stays open. */
    public static LonghornBackupCatalog create(LonghornClient client) {
        return builder(client).build();
    }

    /** A builder over {@code client}. */
    public static Builder builder(LonghornClient client) {
        return new Builder(client);
    }

    @Override
    public String describe() {
        return "Longhorn REST API at " + client.baseUrl() + " (backup target " + targetName + ")";
    }

    // ------------------------------------------------------------------ volumes

    @Override
    public List<BackupVolume> listBackupVolumes() {
        List<LonghornBackupVolume> bvs = backupVolumes();
        List<VolumeData> data = forEach(bvs, bv -> new VolumeData(bv, backupsOf(bv)), null, Cancellation.none());
        List<BackupVolume> out = new ArrayList<>();
        data.forEach(d -> out.add(d.coreVolume()));
        out.sort(Comparator.comparing(BackupVolume::name));
        return out;
    }

    @Override
    public Optional<BackupVolume> findBackupVolume(String volumeName) {
        return find(volumeName).map(bv -> new VolumeData(bv, backupsOf(bv)).coreVolume());
    }

    @Override
    public List<Backup> listBackups(String volumeName) {
        LonghornBackupVolume bv = require(volumeName);
        return new VolumeData(bv, backupsOf(bv)).backups;
    }

    @Override
    public Optional<Backup> findBackup(String volumeName, String backupName) {
        Optional<LonghornBackupVolume> bv = find(volumeName);
        if (bv.isEmpty()) {
            return Optional.empty();
        }
        return client.findBackup(bv.get().id(), backupName)
                .filter(b -> b.volumeName().isEmpty() || b.volumeName().equals(volumeName))
                .filter(b -> b.backupTargetName().map(t -> t.equals(targetName)).orElse(true))
                .map(b -> b.toBackup(volumeName));
    }

    /**
     * Estimated change rates ({@link ChangeRate.Basis#ESTIMATE}): each backup's {@code newlyUploadDataSize} (compressed
     * bytes of blocks new to the store) over its {@code size}; unknown before Longhorn 1.7, which does not report it.
     * Costs the backup volume listing and one backup listing of the volume, whatever {@code count}.
     */
    @Override
    public List<ChangeRate> changeRates(String volumeName, String newestBackup, int count, Cancellation cancellation) {
        LonghornBackupVolume bv = require(volumeName);
        List<LonghornBackup> raw = backupsOf(bv);
        Map<String, Long> uploaded = new HashMap<>();
        raw.forEach(b -> uploaded.put(b.name(), b.newlyUploadedDataSize()));
        return ChangeRateSource.estimates(volumeName, new VolumeData(bv, raw).backups, newestBackup, count,
                b -> uploaded.getOrDefault(b.name(), -1L));
    }

    @Override
    public Optional<Backup> newestCompleteBackup(String volumeName) {
        return find(volumeName).flatMap(bv -> new VolumeData(bv, backupsOf(bv)).newest());
    }

    @Override
    public Map<String, Backup> newestCompleteBackups() {
        List<VolumeData> data = forEach(backupVolumes(), bv -> new VolumeData(bv, backupsOf(bv)), null, Cancellation.none());
        Map<String, Backup> out = new TreeMap<>();
        data.forEach(d -> d.newest().ifPresent(b -> out.put(d.bv.volumeName(), b)));
        return out;
    }

    /**
     * Whether Longhorn has synced what its REST API shows: see the class description. Asks for syncs and waits up to
     * {@link Builder#syncWait} while it has not.
     *
     * @throws CancelledException when the waiting thread is interrupted
     */
    @Override
    public CatalogCompleteness completeness() {
        return completeness(listener, Cancellation.none());
    }

    private CatalogCompleteness completeness(CatalogListener l, Cancellation cancellation) {
        return view.completeness(l, cancellation);
    }

    @Override
    public CatalogScan scanAll(CatalogListener listener) {
        return scanAll(listener, Cancellation.none());
    }

    /** Checks (and waits for) {@link #completeness()} first, reporting the wait to {@code listener}, then scans. */
    @Override
    public CatalogScan scanAll(CatalogListener listener, Cancellation cancellation) {
        CatalogListener l = listener == null || listener == CatalogListener.NONE ? this.listener : listener;
        CatalogCompleteness completeness = completeness(l, cancellation);
        cancellation.throwIfCancelled("scan of " + describe());
        List<LonghornBackupVolume> bvs = backupVolumes();
        safe(() -> l.scanStarted(bvs.size()));
        AtomicInteger done = new AtomicInteger();
        List<VolumeData> data = forEach(bvs, bv -> new VolumeData(bv, backupsOf(bv)), d -> {
            int n = done.incrementAndGet();
            safe(() -> l.volumeScanned(d.bv.volumeName(), n, bvs.size()));
        }, cancellation);
        List<BackupVolume> volumes = new ArrayList<>();
        Map<String, List<Backup>> backups = new TreeMap<>();
        for (VolumeData d : data) {
            volumes.add(d.coreVolume());
            backups.put(d.bv.volumeName(), d.backups);
        }
        volumes.sort(Comparator.comparing(BackupVolume::name));
        List<SkippedEntry> sk = skippedEntries();
        CatalogScan scan = new CatalogScan(volumes, backups, sk, completeness);
        safe(() -> l.scanFinished(volumes.size(), scan.backupCount(), sk.size()));
        return scan;
    }

    @Override
    public List<SkippedEntry> skippedEntries() {
        List<SkippedEntry> all;
        synchronized (skipped) {
            all = new ArrayList<>(skipped.values());
        }
        all.addAll(view.notSyncedEntries());
        return List.copyOf(all);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && closeClient) {
            client.close();
        }
    }

    // ------------------------------------------------------------------ Longhorn's sync

    // ------------------------------------------------------------------ internals

    /** The usable backup volumes of our target, one per original volume name. */
    private List<LonghornBackupVolume> backupVolumes() {
        Parsed<LonghornBackupVolume> parsed = client.backupVolumesParsed();
        parsed.skipped().forEach(this::skip);
        Map<String, List<LonghornBackupVolume>> byName = new TreeMap<>();
        for (LonghornBackupVolume bv : parsed.items()) {
            if (!bv.targetNameOrDefault().equals(targetName)) {
                continue;
            }
            if (bv.error().isPresent()) {
                LOG.warn("skipping Longhorn backup volume {}: {}", bv.id(), bv.error().get());
                skip(new SkippedEntry("backupvolumes/" + bv.id(), SkippedEntry.Reason.BACKEND_ERROR, bv.error().get()));
                continue;
            }
            byName.computeIfAbsent(bv.volumeName(), k -> new ArrayList<>()).add(bv);
        }
        List<LonghornBackupVolume> out = new ArrayList<>();
        byName.forEach((name, list) -> LonghornClient.matchBackupVolume(list, name, targetName).ifPresent(out::add));
        return out;
    }

    private Optional<LonghornBackupVolume> find(String volumeName) {
        return backupVolumes().stream().filter(bv -> bv.volumeName().equals(volumeName)).findFirst();
    }

    private LonghornBackupVolume require(String volumeName) {
        return find(volumeName).orElseThrow(() -> new NotFoundException("backup volume " + volumeName
                + " not found in " + describe()));
    }

    private List<LonghornBackup> backupsOf(LonghornBackupVolume bv) {
        Parsed<LonghornBackup> p = client.backupsParsed(bv.id());
        p.skipped().forEach(this::skip);
        return p.items();
    }

    private void skip(SkippedEntry e) {
        synchronized (skipped) {
            skipped.putIfAbsent(e.location(), e);
        }
    }

    /** {@code f} (then {@code after}) for each backup volume, at most {@code parallelism} at once, in order. */
    private <T> List<T> forEach(List<LonghornBackupVolume> bvs, Function<LonghornBackupVolume, T> f,
                                java.util.function.Consumer<T> after, Cancellation cancellation) {
        return io.map("listing Longhorn backups at " + client.baseUrl(), bvs, cancellation, (bv, c) -> {
            T t = f.apply(bv);
            if (after != null) {
                after.accept(t);
            }
            return t;
        });
    }

    private static void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("catalog listener threw; ignoring", e);
        }
    }

    /** One backup volume and its backups, newest first, in dr-core terms. */
    private static final class VolumeData {
        final LonghornBackupVolume bv;
        final List<Backup> backups;

        VolumeData(LonghornBackupVolume bv, List<LonghornBackup> raw) {
            this.bv = bv;
            List<Backup> list = new ArrayList<>();
            raw.forEach(b -> list.add(b.toBackup(bv.volumeName())));
            list.sort(Backup.NEWEST_FIRST);
            this.backups = List.copyOf(list);
        }

        Optional<Backup> newest() {
            Optional<Backup> best = NewestBackupRule.newestComplete(backups);
            if (best.isPresent() && bv.lastBackupName().isPresent() && !bv.lastBackupName().get().equals(best.get().name())) {
                LOG.debug("backup volume {}: lastBackupName {} is not the newest complete backup; using {}", bv.id(),
                        bv.lastBackupName().get(), best.get().name());
            }
            return best;
        }

        BackupVolume coreVolume() {
            CompressionMethod compression = newest().or(() -> backups.stream().findFirst())
                    .map(Backup::compression).orElse(CompressionMethod.GZIP);
            return BackupVolume.builder(bv.volumeName())
                    .size(bv.size())
                    .labels(bv.labels())
                    .createdAt(bv.created().orElse(null))
                    .lastBackup(bv.lastBackupName().orElse(null), bv.lastBackupAt().orElse(null))
                    .compression(compression)
                    .storageClassName(bv.storageClassName().orElse(null))
                    .backingImage(bv.backingImageName().orElse(null), bv.backingImageChecksum().orElse(null))
                    .backendId(bv.id())
                    .build();
        }
    }

    /** Builds {@link LonghornBackupCatalog}s. */
    public static final class Builder {
        private final LonghornClient client;
        private String targetName = LonghornBackupVolume.DEFAULT_TARGET;
        private int parallelism = 4;
        private boolean closeClient;
        private Duration syncWait = DEFAULT_SYNC_WAIT;
        private Duration pollInterval = Duration.ofSeconds(2);
        private boolean requestSync = true;
        private CatalogListener listener = CatalogListener.NONE;

        private Builder(LonghornClient client) {
            this.client = Objects.requireNonNull(client, "client");
        }

        /**
         * How long {@link #completeness()} and {@link #scanAll} wait for Longhorn to sync its view (default 5 min;
         * zero: check once, ask for the syncs missing, and answer at once).
         */
        public Builder syncWait(Duration d) {
            if (d == null || d.isNegative()) {
                throw new io.drkit.core.InvalidInputException("sync wait must not be negative, got " + d);
            }
            this.syncWait = d;
            return this;
        }

        /** How often the view is checked again while waiting (default 2 s). */
        public Builder pollInterval(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new io.drkit.core.InvalidInputException("poll interval must be positive, got " + d);
            }
            this.pollInterval = d;
            return this;
        }

        /** Whether the catalog asks Longhorn to sync (1.6.2+) or only waits for Longhorn's own poll (default true). */
        public Builder requestSync(boolean on) {
            this.requestSync = on;
            return this;
        }

        /** Receives {@link CatalogListener#waitingForSync} while {@link #completeness()} waits (default none). */
        public Builder listener(CatalogListener l) {
            this.listener = l == null ? CatalogListener.NONE : l;
            return this;
        }

        /** The backup target to read (default {@code default}; the only one before Longhorn 1.8). */
        public Builder backupTarget(String name) {
            this.targetName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** How many backup lists to fetch at once (default 4, at least 1). */
        public Builder parallelism(int n) {
            this.parallelism = Math.max(1, n);
            return this;
        }

        /** Whether {@link #close()} closes the client too (default false: the caller owns it). */
        public Builder closeClient(boolean close) {
            this.closeClient = close;
            return this;
        }

        /** Builds the catalog. */
        public LonghornBackupCatalog build() {
            return new LonghornBackupCatalog(this);
        }
    }
}
