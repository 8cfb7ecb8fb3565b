package io.drkit.kubernetes;

import io.drkit.core.Cancellation;
import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
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
import io.drkit.core.model.LonghornLabels;
import io.drkit.kubernetes.internal.BackupCr;
import io.drkit.kubernetes.internal.BackupVolumeCr;
import io.drkit.kubernetes.internal.ClientHandle;
import io.drkit.kubernetes.internal.CrdViewCheck;
import io.drkit.kubernetes.internal.KubeErrors;
import io.drkit.kubernetes.internal.Longhorn;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BackupCatalog} over Longhorn's own view of its backup target: the {@code backupvolumes.longhorn.io} and
 * {@code backups.longhorn.io} (v1beta2) resources in the Longhorn namespace, read with a Kubernetes client.
 *
 * <ul>
 *   <li>Backup volumes are matched by the original volume name ({@code spec.volumeName} or the {@code backup-volume}
 *       label on Longhorn 1.8+, the CR name up to 1.7), never by the CR name, which is {@code <volume>-<hash>} on
 *       1.8+. {@link BackupVolume#backendId()} is the CR name.</li>
 *   <li>Only backups of the chosen backup target count (default {@code default}; CRs of Longhorn ≤1.7 name no target
 *       and always count). Backups are found by the {@code backup-volume=<volume>} label.</li>
 *   <li>Only {@code Completed} backups with a {@code status.url} are {@linkplain Backup#isComplete() complete}; the
 *       others are listed but never restore candidates. Backup volumes Longhorn reports an error for, and CRs with
 *       malformed fields, are skipped and reported in {@link #skippedEntries()}.</li>
 * </ul>
 * <p><b>Longhorn's view fills in over minutes.</b> Longhorn only knows what it has synced from its backup target (by
 * default every 300 s), and right after a rebuild it lists backup volumes minutes before it knows their backups.
 * {@link #completeness()} (and {@link #scanAll}, which calls it first) checks whether the view is synced: the
 * BackupTarget exists, is available, has finished a sync since {@link Builder#syncedSince} (default: when the catalog
 * was built) with none pending; each BackupVolume has synced with no sync pending, and its last backup has a Backup
 * object that Longhorn has inspected. Where it is not, the catalog asks Longhorn to sync, as Longhorn's UI does
 * ({@code spec.syncRequestedAt} on the BackupTarget or BackupVolume, repeated at most every 30 s), and waits up to
 * {@link Builder#syncWait} (default 5 min), telling the {@link Builder#listener} about each check. Whatever is still
 * missing then is the answer ({@link CatalogCompleteness}), and each unsynced volume is listed in
 * {@link #skippedEntries()} as {@link SkippedEntry.Reason#NOT_SYNCED}: never an empty "no backups". Once complete, the
 * catalog does not check again. The listing methods themselves never wait. Every call reads the API server (no cache).
 * Thread-safe; meant to be shared.
 *
 * <p>RBAC: {@code get}/{@code list} on {@code backupvolumes} and {@code backups}, {@code get} on {@code backuptargets},
 * and {@code update} on both to request syncs ({@link Builder#requestSync}), in the Longhorn namespace.
 */
public final class LonghornCrdCatalog implements BackupCatalog, ChangeRateSource {
    private static final Logger LOG = LoggerFactory.getLogger(LonghornCrdCatalog.class);

    private final ClientHandle handle;
    private final String namespace;
    private final String backupTarget;
    private final Map<String, SkippedEntry> skipped = new LinkedHashMap<>();
    private final CatalogListener listener;
    private final SyncedView view;

    private LonghornCrdCatalog(Builder b) {
        this.namespace = b.namespace;
        this.backupTarget = b.backupTarget;
        this.handle = ClientHandle.of(b.client, b.requestTimeout);
        this.listener = b.listener;
        Instant since = b.syncedSince != null ? b.syncedSince : Instant.now();
        CrdViewCheck viewCheck = new CrdViewCheck(handle.client(), namespace, backupTarget, since, b.requestSync,
                RESYNC_INTERVAL, Clock.systemUTC());
        this.view = new SyncedView("Longhorn's view in " + namespace, viewCheck::check, b.syncWait, b.pollInterval);
    }

    /** How often a sync request for the same object is repeated while the catalog waits. */
    static final Duration RESYNC_INTERVAL = Duration.ofSeconds(30);

    /** A builder; without {@link Builder#client} the default kubeconfig / in-cluster configuration is used. */
    public static Builder builder() {
        return new Builder();
    }

    /** A catalog over {@code client} (which the catalog never closes) with default options. */
    public static LonghornCrdCatalog create(KubernetesClient client) {
        return builder().client(client).build();
    }

    @Override
    public String describe() {
        return "Longhorn CRDs in " + namespace + (backupTarget.isEmpty() ? " (all backup targets)" : " (backup target "
                + backupTarget + ")") + " at " + handle.masterUrl();
    }

    @Override
    public List<BackupVolume> listBackupVolumes() {
        List<BackupVolumeCr> bvs = readBackupVolumes();
        Map<String, List<BackupCr>> backups = groupByVolume(readBackups(null));
        List<BackupVolume> out = new ArrayList<>();
        for (BackupVolumeCr bv : bvs) {
            toValue(bv, backups.getOrDefault(bv.volumeName(), List.of())).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(BackupVolume::name));
        return List.copyOf(out);
    }

    @Override
    public Optional<BackupVolume> findBackupVolume(String volumeName) {
        Optional<BackupVolumeCr> bv = findCr(volumeName);
        if (bv.isEmpty()) {
            return Optional.empty();
        }
        return toValue(bv.get(), readBackups(volumeName));
    }

    @Override
    public List<Backup> listBackups(String volumeName) {
        if (findCr(volumeName).isEmpty()) {
            throw new NotFoundException("backup volume " + volumeName + " not found in " + describe());
        }
        return toBackups(readBackups(volumeName), volumeName);
    }

    /**
     * Estimated change rates ({@link ChangeRate.Basis#ESTIMATE}): each Backup CR's {@code status.newlyUploadDataSize}
     * (compressed bytes of blocks new to the store) over its {@code status.size}; unknown before Longhorn 1.7, whose
     * CRs do not have it. Costs two list requests (the volume's BackupVolume and its Backups), whatever {@code count}.
     */
    @Override
    public List<ChangeRate> changeRates(String volumeName, String newestBackup, int count,
                                        io.drkit.core.Cancellation cancellation) {
        if (findCr(volumeName).isEmpty()) {
            throw new NotFoundException("backup volume " + volumeName + " not found in " + describe());
        }
        List<BackupCr> crs = readBackups(volumeName);
        Map<String, Long> uploaded = new java.util.HashMap<>();
        crs.forEach(cr -> uploaded.put(cr.name(), cr.newlyUploadedDataSize()));
        return ChangeRateSource.estimates(volumeName, toBackups(crs, volumeName), newestBackup, count,
                b -> uploaded.getOrDefault(b.name(), -1L));
    }

    @Override
    public Map<String, Backup> newestCompleteBackups() {
        Map<String, List<BackupCr>> backups = groupByVolume(readBackups(null));
        Map<String, Backup> out = new TreeMap<>();
        for (BackupVolumeCr bv : readBackupVolumes()) {
            NewestBackupRule.newestComplete(toBackups(backups.getOrDefault(bv.volumeName(), List.of()), bv.volumeName()))
                    .ifPresent(b -> out.put(bv.volumeName(), b));
        }
        return out;
    }

    /**
     * Whether Longhorn has synced its view: see the class description. Asks for syncs and waits up to
     * {@link Builder#syncWait} while it has not.
     *
     * @throws io.drkit.core.CancelledException when the waiting thread is interrupted
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
        List<BackupVolumeCr> bvs = readBackupVolumes();
        safe(() -> l.scanStarted(bvs.size()));
        Map<String, List<BackupCr>> byVolume = groupByVolume(readBackups(null));
        List<BackupVolume> volumes = new ArrayList<>();
        Map<String, List<Backup>> backups = new TreeMap<>();
        int done = 0;
        for (BackupVolumeCr bv : bvs) {
            List<BackupCr> crs = byVolume.getOrDefault(bv.volumeName(), List.of());
            Optional<BackupVolume> v = toValue(bv, crs);
            if (v.isPresent()) {
                volumes.add(v.get());
                backups.put(v.get().name(), toBackups(crs, v.get().name()));
            }
            int n = ++done;
            safe(() -> l.volumeScanned(bv.volumeName(), n, bvs.size()));
        }
        volumes.sort(Comparator.comparing(BackupVolume::name));
        CatalogScan scan = new CatalogScan(volumes, backups, skippedEntries(), completeness);
        safe(() -> l.scanFinished(scan.volumes().size(), scan.backupCount(), scan.skipped().size()));
        return scan;
    }

    @Override
    public List<SkippedEntry> skippedEntries() {
        List<SkippedEntry> all;
        synchronized (this) {
            all = new ArrayList<>(skipped.values());
        }
        all.addAll(view.notSyncedEntries());
        return List.copyOf(all);
    }

    /** Closes the client if this catalog built it; idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    // ---------------------------------------------------------------- reading

    /** The usable BackupVolume CRs of the chosen target, one per volume name (first CR name wins on duplicates). */
    private List<BackupVolumeCr> readBackupVolumes() {
        List<GenericKubernetesResource> items = KubeErrors.call("list BackupVolumes in " + namespace, () ->
                handle.client().genericKubernetesResources(Longhorn.BACKUP_VOLUMES).inNamespace(namespace).list().getItems());
        LOG.debug("listed {} BackupVolume CRs in {}", items.size(), namespace);
        Map<String, BackupVolumeCr> byVolume = new TreeMap<>();
        items.stream().map(BackupVolumeCr::of).sorted(Comparator.comparing(BackupVolumeCr::crName)).forEach(bv -> {
            if (!bv.inTarget(backupTarget)) {
                return;
            }
            if (bv.error().isPresent()) {
                skip("BackupVolume " + namespace + "/" + bv.crName(), SkippedEntry.Reason.BACKEND_ERROR,
                        "Longhorn reports: " + bv.error().get());
                return;
            }
            BackupVolumeCr first = byVolume.putIfAbsent(bv.volumeName(), bv);
            if (first != null) {
                skip("BackupVolume " + namespace + "/" + bv.crName(), SkippedEntry.Reason.INVALID_DATA,
                        "duplicate of " + first.crName() + " for volume " + bv.volumeName() + " (target '"
                                + bv.backupTargetName() + "'); using " + first.crName());
            }
        });
        return List.copyOf(byVolume.values());
    }

    private Optional<BackupVolumeCr> findCr(String volumeName) {
        return readBackupVolumes().stream().filter(bv -> bv.volumeName().equals(volumeName)).findFirst();
    }

    /** Backup CRs of the chosen target: of one volume (by the {@code backup-volume} label), or all when null. */
    private List<BackupCr> readBackups(String volumeName) {
        String what = volumeName == null ? "list Backups in " + namespace
                : "list Backups of volume " + volumeName + " in " + namespace;
        List<GenericKubernetesResource> items = KubeErrors.call(what, () -> {
            var op = handle.client().genericKubernetesResources(Longhorn.BACKUPS).inNamespace(namespace);
            return (volumeName == null ? op.list() : op.withLabel(LonghornLabels.BACKUP_VOLUME, volumeName).list()).getItems();
        });
        LOG.debug("{}: {} CRs", what, items.size());
        return items.stream().map(BackupCr::of)
                .filter(b -> backupTarget.isEmpty() || b.backupTargetName().isEmpty() || b.backupTargetName().equals(backupTarget))
                .filter(b -> volumeName == null || b.volumeName().isEmpty() || b.volumeName().equals(volumeName))
                .toList();
    }

    private static Map<String, List<BackupCr>> groupByVolume(List<BackupCr> all) {
        Map<String, List<BackupCr>> out = new LinkedHashMap<>();
        all.forEach(b -> out.computeIfAbsent(b.volumeName(), k -> new ArrayList<>()).add(b));
        return out;
    }

    private List<Backup> toBackups(List<BackupCr> crs, String volumeName) {
        List<Backup> out = new ArrayList<>();
        for (BackupCr cr : crs) {
            try {
                out.add(cr.toBackup(namespace, volumeName));
            } catch (InvalidBackupDataException e) {
                skip("Backup " + namespace + "/" + cr.name(), SkippedEntry.Reason.INVALID_DATA, e.getMessage());
            }
        }
        out.sort(Backup.NEWEST_FIRST);
        return List.copyOf(out);
    }

    private Optional<BackupVolume> toValue(BackupVolumeCr bv, List<BackupCr> backups) {
        CompressionMethod compression = toBackups(backups, bv.volumeName()).stream()
                .filter(b -> b.state() == io.drkit.core.model.BackupState.COMPLETED).findFirst()
                .map(Backup::compression).orElse(CompressionMethod.GZIP);
        try {
            return Optional.of(bv.toBackupVolume(namespace, compression));
        } catch (InvalidBackupDataException e) {
            skip("BackupVolume " + namespace + "/" + bv.crName(), SkippedEntry.Reason.INVALID_DATA, e.getMessage());
            return Optional.empty();
        }
    }

    private synchronized void skip(String location, SkippedEntry.Reason reason, String detail) {
        if (!skipped.containsKey(location)) {
            LOG.warn("skipping {}: {} ({})", location, reason, detail);
            skipped.put(location, new SkippedEntry(location, reason, detail));
        }
    }

    private static void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("catalog listener threw; ignoring", e);
        }
    }

    /** The default of {@link Builder#syncWait}. */
    public static final Duration DEFAULT_SYNC_WAIT = Duration.ofMinutes(5);

    /** The default of {@link Builder#namespace}: where Longhorn keeps its resources unless installed elsewhere. */
    public static final String DEFAULT_NAMESPACE = Longhorn.DEFAULT_NAMESPACE;

    /** Builds {@link LonghornCrdCatalog}s. */
    public static final class Builder {
        private KubernetesClient client;
        private String namespace = DEFAULT_NAMESPACE;
        private String backupTarget = Longhorn.DEFAULT_BACKUP_TARGET;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration syncWait = DEFAULT_SYNC_WAIT;
        private Duration pollInterval = Duration.ofSeconds(2);
        private Instant syncedSince;
        private boolean requestSync = true;
        private CatalogListener listener = CatalogListener.NONE;

        private Builder() {
        }

        /**
         * How long {@link #completeness()} and {@link #scanAll} wait for Longhorn to sync its view (default 5 min;
         * zero: check once, ask for the syncs missing, and answer at once).
         */
        public Builder syncWait(Duration d) {
            if (d == null || d.isNegative()) {
                throw new InvalidInputException("sync wait must not be negative, got " + d);
            }
            this.syncWait = d;
            return this;
        }

        /** How often the view is checked again while waiting (default 2 s). */
        public Builder pollInterval(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new InvalidInputException("poll interval must be positive, got " + d);
            }
            this.pollInterval = d;
            return this;
        }

        /**
         * The backup target must have finished a sync at or after this time for the view to count as complete
         * (default: when the catalog is built, so that backups written to the store before the run are seen;
         * {@link Instant#EPOCH}: any finished sync will do, and no target sync is requested for freshness).
         */
        public Builder syncedSince(Instant t) {
            this.syncedSince = Objects.requireNonNull(t, "syncedSince");
            return this;
        }

        /**
         * Whether the catalog asks Longhorn to sync (writes {@code spec.syncRequestedAt}, needing {@code update} on
         * backuptargets and backupvolumes) or only waits for Longhorn's own poll (default true).
         */
        public Builder requestSync(boolean on) {
            this.requestSync = on;
            return this;
        }

        /** Receives {@link CatalogListener#waitingForSync} while {@link #completeness()} waits (default none). */
        public Builder listener(CatalogListener l) {
            this.listener = l == null ? CatalogListener.NONE : l;
            return this;
        }

        /** The client to use (never closed by the catalog); default: one built from kubeconfig / in-cluster config. */
        public Builder client(KubernetesClient c) {
            this.client = c;
            return this;
        }

        /** Longhorn's namespace (default {@code longhorn-system}). */
        public Builder namespace(String ns) {
            this.namespace = Objects.requireNonNull(ns, "namespace");
            return this;
        }

        /** Only backups of this backup target count (default {@code default}; Longhorn 1.8+ can have several). */
        public Builder backupTarget(String name) {
            if (name == null || name.isBlank()) {
                throw new InvalidInputException("backup target name is empty; use anyBackupTarget() to read all targets");
            }
            this.backupTarget = name;
            return this;
        }

        /** Reads backups of every backup target (volume names must then be unique across targets). */
        public Builder anyBackupTarget() {
            this.backupTarget = "";
            return this;
        }

        /** Request timeout of the client the catalog builds itself (default 30 s; ignored with {@link #client}). */
        public Builder requestTimeout(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new InvalidInputException("request timeout must be positive, got " + d);
            }
            this.requestTimeout = d;
            return this;
        }

        /** Builds the catalog. */
        public LonghornCrdCatalog build() {
            return new LonghornCrdCatalog(this);
        }
    }
}
