package io.drkit.core.testing;

import io.drkit.core.Cancellation;
import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.CatalogCompleteness;
import io.drkit.core.catalog.ChangeRate;
import io.drkit.core.catalog.ChangeRateSource;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.AccessMode;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupState;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.model.KubernetesStatus;
import io.drkit.core.model.PvcRef;
import io.drkit.core.model.RecurringJobInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A {@link BackupCatalog} over values held in memory: for tests of code that uses the library, for JShell, and for
 * planning demos. Immutable once built, thread-safe.
 *
 * <p>It is a {@link ChangeRateSource} too: a backup described with the number of blocks it changed
 * ({@link VolumeSpec#backup(String, String, long, long)}) has an {@link ChangeRate.Basis#EXACT} rate of that many
 * blocks over the blocks of the larger of it and the backup before it ({@code size / blockSize}); other backups have
 * an unknown rate.
 *
 * <pre>{@code
 * var catalog = InMemoryBackupCatalog.builder()
 *     .volume("pvc-4f1c", v -> v.size(10L << 30).pvc("karakeep/data-pvc").group("critical")
 *         .backup("backup-0000000000000001", "2026-11-20T03:00:00Z", 600L << 20)
 *         .backup("backup-0000000000000002", "2026-11-21T03:00:00Z", 610L << 20))
 *     .build();
 * }</pre>
 */
public final class InMemoryBackupCatalog implements BackupCatalog, ChangeRateSource {
    private final BackupTarget target;
    private final Map<String, BackupVolume> volumes;
    private final Map<String, List<Backup>> backups;
    private final List<SkippedEntry> skipped;
    private final CatalogCompleteness completeness;
    private final Map<String, Long> changedBlocks;

    private InMemoryBackupCatalog(Builder b) {
        this.target = b.target;
        this.volumes = new TreeMap<>(b.volumes);
        Map<String, List<Backup>> bs = new TreeMap<>();
        b.backups.forEach((k, v) -> {
            List<Backup> l = new ArrayList<>(v);
            l.sort(Backup.NEWEST_FIRST);
            bs.put(k, List.copyOf(l));
        });
        this.backups = bs;
        this.skipped = List.copyOf(b.skipped);
        this.completeness = b.completeness;
        this.changedBlocks = Map.copyOf(b.changedBlocks);
    }

    /** A builder; backup URLs are made for target {@code s3://backups@us-east-1/} unless set. */
    public static Builder builder() {
        return new Builder();
    }

    /** A catalog holding exactly these values. */
    public static InMemoryBackupCatalog of(List<BackupVolume> volumes, List<Backup> backups) {
        Builder b = builder();
        volumes.forEach(b::add);
        backups.forEach(b::add);
        return b.build();
    }

    /** The target backup URLs point at. */
    public BackupTarget target() {
        return target;
    }

    @Override
    public String describe() {
        return "in-memory catalog (" + target + ")";
    }

    @Override
    public List<BackupVolume> listBackupVolumes() {
        return List.copyOf(volumes.values());
    }

    @Override
    public Optional<BackupVolume> findBackupVolume(String volumeName) {
        return Optional.ofNullable(volumes.get(volumeName));
    }

    @Override
    public List<Backup> listBackups(String volumeName) {
        if (!volumes.containsKey(volumeName)) {
            throw new NotFoundException("backup volume " + volumeName + " not found in " + describe());
        }
        return backups.getOrDefault(volumeName, List.of());
    }

    @Override
    public List<SkippedEntry> skippedEntries() {
        return skipped;
    }

    /** Complete, unless the builder said otherwise ({@link Builder#completeness}). */
    @Override
    public CatalogCompleteness completeness() {
        return completeness;
    }

    @Override
    public List<ChangeRate> changeRates(String volumeName, String newestBackup, int count, Cancellation cancellation) {
        List<Backup> chain = ChangeRateSource.chain(volumeName, listBackups(volumeName), newestBackup, count);
        return ChangeRateSource.pairwise(volumeName, chain, count, (b, prev) -> {
            Long changed = changedBlocks.get(volumeName + "/" + b.name());
            if (changed == null) {
                return ChangeRate.unknown(volumeName, b.name(), prev.name(), "no block changes described for this backup");
            }
            long compared = Math.max(blocks(b), blocks(prev));
            return ChangeRate.exact(volumeName, b.name(), prev.name(), Math.min(changed, compared), compared);
        });
    }

    private static long blocks(Backup b) {
        return (b.size() + b.blockSize() - 1) / b.blockSize();
    }

    @Override
    public void close() {
        // nothing to release
    }

    /** Builds {@link InMemoryBackupCatalog}s. */
    public static final class Builder {
        private BackupTarget target = BackupTarget.parse("s3://backups@us-east-1/");
        private final Map<String, BackupVolume> volumes = new LinkedHashMap<>();
        private final Map<String, List<Backup>> backups = new LinkedHashMap<>();
        private final List<SkippedEntry> skipped = new ArrayList<>();
        private CatalogCompleteness completeness = CatalogCompleteness.complete();
        private final Map<String, Long> changedBlocks = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Describes how many blocks backup {@code backupName} of {@code volumeName} changed since the complete backup
         * before it (for its {@link ChangeRate}).
         */
        public Builder changedBlocks(String volumeName, String backupName, long blocks) {
            if (blocks < 0) {
                throw new IllegalArgumentException("changed blocks must not be negative: " + blocks);
            }
            changedBlocks.put(volumeName + "/" + backupName, blocks);
            return this;
        }

        /**
         * What {@link InMemoryBackupCatalog#completeness()} answers (default complete): to play a backend whose view
         * is not synced yet.
         */
        public Builder completeness(CatalogCompleteness c) {
            this.completeness = java.util.Objects.requireNonNull(c, "completeness");
            return this;
        }

        /** The target used to build backup URLs. */
        public Builder target(BackupTarget t) {
            this.target = t;
            return this;
        }

        /** Adds a volume value as is. */
        public Builder add(BackupVolume v) {
            volumes.put(v.name(), v);
            backups.computeIfAbsent(v.name(), k -> new ArrayList<>());
            return this;
        }

        /** Adds a backup value as is (its volume must be added too). */
        public Builder add(Backup b) {
            backups.computeIfAbsent(b.volumeName(), k -> new ArrayList<>()).add(b);
            return this;
        }

        /** Records a skipped entry, as a backend would after a scan. */
        public Builder skipped(String location, SkippedEntry.Reason reason, String detail) {
            skipped.add(new SkippedEntry(location, reason, detail));
            return this;
        }

        /** Adds a volume described by {@code spec}, with its backups. */
        public Builder volume(String name, Consumer<VolumeSpec> spec) {
            VolumeSpec s = new VolumeSpec(name, target);
            spec.accept(s);
            add(s.volume());
            s.backups.forEach(this::add);
            s.changed.forEach((backup, n) -> changedBlocks(name, backup, n));
            return this;
        }

        /** Builds the catalog. */
        public InMemoryBackupCatalog build() {
            return new InMemoryBackupCatalog(this);
        }
    }

    /**
     * Describes one volume and its backups the way Longhorn would record them: every backup carries the volume's
     * {@code KubernetesStatus} and recurring-job labels, and the volume's last-backup pointer names the newest
     * complete backup unless {@link #lastBackupPointer(String)} says otherwise.
     */
    public static final class VolumeSpec {
        private final String name;
        private final BackupTarget target;
        private long size = 1L << 30;
        private PvcRef pvc;
        private String historicSince;
        private final List<String> groups = new ArrayList<>();
        private String storageClass = "longhorn";
        private CompressionMethod compression = CompressionMethod.LZ4;
        private String pointer;
        private boolean pointerSet;
        private AccessMode accessMode = AccessMode.READ_WRITE_ONCE;
        private final List<Backup> backups = new ArrayList<>();
        private final Map<String, Long> changed = new LinkedHashMap<>();
        private final Map<String, String> userLabels = new LinkedHashMap<>();

        private VolumeSpec(String name, BackupTarget target) {
            this.name = name;
            this.target = target;
        }

        /** Volume size in bytes (default 1 GiB). */
        public VolumeSpec size(long bytes) {
            this.size = bytes;
            return this;
        }

        /** The claim the volume was bound to at backup time ({@code namespace/name}). */
        public VolumeSpec pvc(String ref) {
            this.pvc = PvcRef.parse(ref);
            return this;
        }

        /** The claim was no longer bound at backup time; Longhorn last saw it at {@code lastSeen}. */
        public VolumeSpec historicPvc(String ref, String lastSeen) {
            this.pvc = PvcRef.parse(ref);
            this.historicSince = lastSeen;
            return this;
        }

        /** Recurring-job groups the volume was in (recorded in every backup). */
        public VolumeSpec group(String... names) {
            groups.addAll(Arrays.asList(names));
            return this;
        }

        /** Storage class recorded for the volume (default {@code longhorn}; null for none). */
        public VolumeSpec storageClass(String sc) {
            this.storageClass = sc;
            return this;
        }

        /** Block compression (default lz4). */
        public VolumeSpec compression(CompressionMethod c) {
            this.compression = c;
            return this;
        }

        /**
         * A user label recorded with the backups added after this call (and on the volume), as a RecurringJob's
         * {@code labels} or a hand-made backup's labels end up in Longhorn's backups.
         */
        public VolumeSpec label(String key, String value) {
            userLabels.put(key, value);
            return this;
        }

        /** The source volume's access mode, recorded in the backups' label (default {@code rwo}). */
        public VolumeSpec accessMode(AccessMode m) {
            this.accessMode = m;
            return this;
        }

        /** Overrides the store's last-backup pointer (null or "" for an empty pointer, or a missing name). */
        public VolumeSpec lastBackupPointer(String backupName) {
            this.pointer = backupName;
            this.pointerSet = true;
            return this;
        }

        /** Adds a complete backup started at {@code at} (ISO-8601) holding {@code size} bytes of data. */
        public VolumeSpec backup(String backupName, String at, long size) {
            Instant t = Instant.parse(at);
            backups.add(base(backupName, t).completedAt(t.plusSeconds(60)).size(size).build());
            return this;
        }

        /**
         * Adds a complete backup started at {@code at} (ISO-8601) holding {@code size} bytes of data, which changed
         * {@code changedBlocks} blocks since the backup before it (its change rate: that many over {@code size /
         * blockSize}, or the previous backup's block count when larger).
         */
        public VolumeSpec backup(String backupName, String at, long size, long changedBlocks) {
            backup(backupName, at, size);
            if (changedBlocks < 0) {
                throw new IllegalArgumentException("changed blocks must not be negative: " + changedBlocks);
            }
            changed.put(backupName, changedBlocks);
            return this;
        }

        /** Adds a backup that is still in progress (or failed): not a restore candidate. */
        public VolumeSpec inProgressBackup(String backupName, String at) {
            Instant t = Instant.parse(at);
            backups.add(base(backupName, t).state(BackupState.IN_PROGRESS).build());
            return this;
        }

        private Backup.Builder base(String backupName, Instant t) {
            return Backup.builder(backupName, name).snapshotName("snap-" + backupName).snapshotCreatedAt(t)
                    .volumeSize(size).labels(labels()).compression(compression).url(target.backupUrl(backupName, name))
                    .parameters(Map.of("backup-mode", "incremental", "backup-block-size", String.valueOf(Backup.DEFAULT_BLOCK_SIZE)));
        }

        private Map<String, String> labels() {
            Map<String, String> l = new LinkedHashMap<>();
            if (pvc != null) {
                KubernetesStatus ks = new KubernetesStatus("pv-" + name, historicSince == null ? "Bound" : "Released",
                        pvc.namespace(), pvc.name(), historicSince == null ? "" : historicSince, List.of(), "");
                l.put(io.drkit.core.model.LonghornLabels.KUBERNETES_STATUS, ks.toLabelValue());
            }
            if (!groups.isEmpty()) {
                Map<String, RecurringJobInfo.VolumeJob> jobs = new LinkedHashMap<>();
                for (String g : groups) {
                    String job = g + "-backup";
                    jobs.put(job, new RecurringJobInfo.VolumeJob(job, "backup", "critical".equals(g) ? "0 3 * * *" : "0 3 * * 0",
                            "critical".equals(g) ? 7 : 4, List.of(g), List.of(g), false));
                }
                l.putAll(new RecurringJobInfo(Optional.of(groups.get(0) + "-backup"), jobs).toLabels());
            }
            l.put(io.drkit.core.model.LonghornLabels.VOLUME_ACCESS_MODE, accessMode.longhornName());
            l.putAll(userLabels);
            return l;
        }

        BackupVolume volume() {
            List<Backup> complete = io.drkit.core.catalog.NewestBackupRule.completeNewestFirst(backups);
            String last = pointerSet ? pointer : complete.isEmpty() ? null : complete.get(0).name();
            Instant lastAt = complete.stream().filter(b -> b.name().equals(last)).findFirst()
                    .flatMap(Backup::snapshotCreatedAt).orElse(null);
            return BackupVolume.builder(name).size(size).labels(labels())
                    .createdAt(backups.stream().map(b -> b.snapshotCreatedAt().orElse(Instant.MAX)).min(Instant::compareTo)
                            .filter(t -> t != Instant.MAX).orElse(null))
                    .lastBackup(last, lastAt).compression(compression).storageClassName(storageClass).build();
        }
    }
}
