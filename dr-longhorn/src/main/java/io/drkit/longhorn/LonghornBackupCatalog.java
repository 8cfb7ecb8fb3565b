package io.drkit.longhorn;

import io.drkit.core.CancelledException;
import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.catalog.NewestBackupRule;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.CompressionMethod;
import io.drkit.longhorn.internal.Parsed;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * <p>Thread-safe; {@link #close()} closes the client only when asked to ({@link Builder#closeClient(boolean)}).
 */
public final class LonghornBackupCatalog implements BackupCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(LonghornBackupCatalog.class);

    private final LonghornClient client;
    private final String targetName;
    private final int parallelism;
    private final boolean closeClient;
    private final Map<String, SkippedEntry> skipped = new LinkedHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private LonghornBackupCatalog(Builder b) {
        this.client = Objects.requireNonNull(b.client, "client");
        this.targetName = b.targetName;
        this.parallelism = b.parallelism;
        this.closeClient = b.closeClient;
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
        List<VolumeData> data = forEach(bvs, bv -> new VolumeData(bv, backupsOf(bv)), null);
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

    @Override
    public Optional<Backup> newestCompleteBackup(String volumeName) {
        return find(volumeName).flatMap(bv -> new VolumeData(bv, backupsOf(bv)).newest());
    }

    @Override
    public Map<String, Backup> newestCompleteBackups() {
        List<VolumeData> data = forEach(backupVolumes(), bv -> new VolumeData(bv, backupsOf(bv)), null);
        Map<String, Backup> out = new TreeMap<>();
        data.forEach(d -> d.newest().ifPresent(b -> out.put(d.bv.volumeName(), b)));
        return out;
    }

    @Override
    public CatalogScan scanAll(CatalogListener listener) {
        CatalogListener l = listener == null ? CatalogListener.NONE : listener;
        List<LonghornBackupVolume> bvs = backupVolumes();
        safe(() -> l.scanStarted(bvs.size()));
        AtomicInteger done = new AtomicInteger();
        List<VolumeData> data = forEach(bvs, bv -> new VolumeData(bv, backupsOf(bv)), d -> {
            int n = done.incrementAndGet();
            safe(() -> l.volumeScanned(d.bv.volumeName(), n, bvs.size()));
        });
        List<BackupVolume> volumes = new ArrayList<>();
        Map<String, List<Backup>> backups = new TreeMap<>();
        for (VolumeData d : data) {
            volumes.add(d.coreVolume());
            backups.put(d.bv.volumeName(), d.backups);
        }
        volumes.sort(Comparator.comparing(BackupVolume::name));
        List<SkippedEntry> sk = skippedEntries();
        CatalogScan scan = new CatalogScan(volumes, backups, sk);
        safe(() -> l.scanFinished(volumes.size(), scan.backupCount(), sk.size()));
        return scan;
    }

    @Override
    public List<SkippedEntry> skippedEntries() {
        synchronized (skipped) {
            return List.copyOf(skipped.values());
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && closeClient) {
            client.close();
        }
    }

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

    private <T> List<T> forEach(List<LonghornBackupVolume> bvs, Function<LonghornBackupVolume, T> f,
                                java.util.function.Consumer<T> after) {
        List<T> out = new ArrayList<>();
        if (bvs.size() <= 1 || parallelism <= 1) {
            for (LonghornBackupVolume bv : bvs) {
                T t = f.apply(bv);
                if (after != null) {
                    after.accept(t);
                }
                out.add(t);
            }
            return out;
        }
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, bvs.size()), r -> {
            Thread t = new Thread(r, "drkit-longhorn-catalog-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (LonghornBackupVolume bv : bvs) {
                futures.add(pool.submit(() -> {
                    T t = f.apply(bv);
                    if (after != null) {
                        after.accept(t);
                    }
                    return t;
                }));
            }
            for (Future<T> fu : futures) {
                out.add(fu.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("listing Longhorn backups at " + client.baseUrl() + " was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
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

        private Builder(LonghornClient client) {
            this.client = Objects.requireNonNull(client, "client");
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
