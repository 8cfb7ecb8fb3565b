package io.drkit.kubernetes;

import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.KubernetesStatus;
import io.drkit.core.model.LonghornLabels;
import io.drkit.core.model.PvcRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** A backup store tests can add backups to while a simulated Longhorn reads it (thread-safe). */
final class MutableCatalog implements BackupCatalog {
    static final BackupTarget TARGET = BackupTarget.parse("s3://backups@us-east-1/");

    private final Map<String, BackupVolume> volumes = new ConcurrentSkipListMap<>();
    private final Map<String, List<Backup>> backups = new ConcurrentSkipListMap<>();

    /** Adds (or replaces) a volume with its backups. */
    synchronized MutableCatalog put(BackupVolume v, List<Backup> bs) {
        volumes.put(v.name(), v);
        List<Backup> l = new ArrayList<>(bs);
        l.sort(Backup.NEWEST_FIRST);
        backups.put(v.name(), List.copyOf(l));
        return this;
    }

    /** Adds a complete backup of {@code volume} (created if needed) belonging to {@code pvc}. */
    synchronized Backup publish(String volume, String backupName, PvcRef pvc, long volumeSize) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LonghornLabels.KUBERNETES_STATUS, KubernetesStatus.bound(pvc, "pv-" + volume).toLabelValue());
        labels.put(LonghornLabels.VOLUME_ACCESS_MODE, "rwo");
        Instant t = Instant.parse("2026-11-20T03:00:00Z");
        Backup b = Backup.builder(backupName, volume).snapshotName("snap-" + backupName).snapshotCreatedAt(t)
                .completedAt(t.plusSeconds(90)).size(volumeSize / 4).volumeSize(volumeSize).labels(labels)
                .url(TARGET.backupUrl(backupName, volume)).build();
        List<Backup> all = new ArrayList<>(backups.getOrDefault(volume, List.of()));
        all.removeIf(x -> x.name().equals(backupName));
        all.add(b);
        BackupVolume v = BackupVolume.builder(volume).size(volumeSize).labels(labels).createdAt(t)
                .lastBackup(backupName, t).storageClassName("longhorn").build();
        put(v, all);
        return b;
    }

    @Override
    public String describe() {
        return "mutable test catalog";
    }

    @Override
    public List<BackupVolume> listBackupVolumes() {
        return List.copyOf(volumes.values());
    }

    @Override
    public List<Backup> listBackups(String volumeName) {
        if (!volumes.containsKey(volumeName)) {
            throw new NotFoundException("backup volume " + volumeName + " not found");
        }
        return backups.getOrDefault(volumeName, List.of());
    }

    @Override
    public List<SkippedEntry> skippedEntries() {
        return List.of();
    }

    @Override
    public void close() {
        // nothing to release
    }
}
