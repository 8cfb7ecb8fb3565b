package io.drkit.core.model;

import io.drkit.core.util.FrozenMap;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A volume's entry in the backupstore (Longhorn's {@code volume.cfg}, or a BackupVolume resource): what was backed
 * up, and a pointer to its latest backup.
 *
 * <p>The {@code lastBackupName} pointer can be empty or stale (Longhorn writes it in a separate step, and clears it
 * on some deletions): never trust it without checking the backups list.
 *
 * @param name                 the volume name in the store (the original Longhorn volume name, e.g. {@code pvc-3f1c...})
 * @param size                 volume size in bytes at the most recent backup (restores use it as the image size)
 * @param labels               labels of the most recent backup (a copy; may include {@code KubernetesStatus})
 * @param createdAt            when the backup volume was first created
 * @param lastBackupName       the store's pointer to the latest backup (may be empty or stale)
 * @param lastBackupAt         snapshot time of that backup
 * @param compression          compression of all blocks of this volume
 * @param dataEngine           {@code v1} or {@code v2}
 * @param storageClassName     StorageClass of the PVC at the most recent backup (Longhorn 1.5+)
 * @param backingImageName     backing image of the volume, if any
 * @param backingImageChecksum SHA-512 of that backing image, if any
 * @param backendId            how the backend addresses this volume (the store directory key, or a BackupVolume CR
 *                             name such as {@code pvc-1-a07f930d} on Longhorn 1.8+)
 */
public record BackupVolume(String name, long size, Map<String, String> labels, Optional<Instant> createdAt,
                           Optional<String> lastBackupName, Optional<Instant> lastBackupAt,
                           CompressionMethod compression, String dataEngine, Optional<String> storageClassName,
                           Optional<String> backingImageName, Optional<String> backingImageChecksum,
                           String backendId) {

    /** Validates and copies. */
    public BackupVolume {
        Objects.requireNonNull(name, "name");
        labels = FrozenMap.copyOf(labels);
        createdAt = Objects.requireNonNullElse(createdAt, Optional.empty());
        lastBackupName = Objects.requireNonNullElse(lastBackupName, Optional.<String>empty()).filter(s -> !s.isEmpty());
        lastBackupAt = Objects.requireNonNullElse(lastBackupAt, Optional.empty());
        compression = Objects.requireNonNullElse(compression, CompressionMethod.GZIP);
        dataEngine = dataEngine == null || dataEngine.isEmpty() ? "v1" : dataEngine;
        storageClassName = Objects.requireNonNullElse(storageClassName, Optional.<String>empty()).filter(s -> !s.isEmpty());
        backingImageName = Objects.requireNonNullElse(backingImageName, Optional.<String>empty()).filter(s -> !s.isEmpty());
        backingImageChecksum = Objects.requireNonNullElse(backingImageChecksum, Optional.<String>empty()).filter(s -> !s.isEmpty());
        backendId = backendId == null || backendId.isEmpty() ? name : backendId;
    }

    /** A builder for a volume named {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A builder prefilled with this volume. */
    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.size = size;
        b.labels.putAll(labels);
        b.createdAt = createdAt.orElse(null);
        b.lastBackupName = lastBackupName.orElse(null);
        b.lastBackupAt = lastBackupAt.orElse(null);
        b.compression = compression;
        b.dataEngine = dataEngine;
        b.storageClassName = storageClassName.orElse(null);
        b.backingImageName = backingImageName.orElse(null);
        b.backingImageChecksum = backingImageChecksum.orElse(null);
        b.backendId = backendId;
        return b;
    }

    /**
     * The Kubernetes status recorded with the latest backup.
     *
     * @throws io.drkit.core.InvalidBackupDataException when the label is malformed
     */
    public Optional<KubernetesStatus> kubernetesStatus() {
        return KubernetesStatus.fromLabels(labels);
    }

    /** Recurring jobs and groups recorded with the latest backup. */
    public RecurringJobInfo recurringJobInfo() {
        return RecurringJobInfo.fromLabels(labels);
    }

    /**
     * The claim this volume belonged to: from the {@code KubernetesStatus} label of {@code newest} (its newest complete
     * backup) when that names one, else from the volume's own copy of the labels.
     *
     * @throws io.drkit.core.InvalidBackupDataException when a label on the way is malformed
     */
    public Optional<PvcRef> pvc(Optional<Backup> newest) {
        return newest.flatMap(Backup::kubernetesStatus).flatMap(KubernetesStatus::pvc)
                .or(() -> kubernetesStatus().flatMap(KubernetesStatus::pvc));
    }

    /**
     * The recurring jobs and groups of this volume as of {@code backup} (the one being restored or judged): the
     * backup's own record when it has one; otherwise the volume's (Longhorn's manager drops
     * {@code VolumeRecurringJobInfo} from Backup resources and keeps it on the volume), with the backup's
     * {@code RecurringJob} label preferred.
     *
     * @throws io.drkit.core.InvalidBackupDataException when a label is malformed
     */
    public RecurringJobInfo recurringJobInfo(Optional<Backup> backup) {
        RecurringJobInfo fromBackup = backup.map(Backup::recurringJobInfo).orElseGet(RecurringJobInfo::empty);
        if (!fromBackup.volumeJobs().isEmpty()) {
            return fromBackup;
        }
        RecurringJobInfo fromVolume = recurringJobInfo();
        return new RecurringJobInfo(fromBackup.job().or(fromVolume::job), fromVolume.volumeJobs());
    }

    /** Builds {@link BackupVolume}s; unset values take Longhorn's defaults. */
    public static final class Builder {
        private final String name;
        private long size;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private Instant createdAt;
        private String lastBackupName;
        private Instant lastBackupAt;
        private CompressionMethod compression = CompressionMethod.GZIP;
        private String dataEngine = "v1";
        private String storageClassName;
        private String backingImageName;
        private String backingImageChecksum;
        private String backendId;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Volume size in bytes. */
        public Builder size(long bytes) {
            this.size = bytes;
            return this;
        }

        /** Replaces the labels. */
        public Builder labels(Map<String, String> labels) {
            this.labels.clear();
            this.labels.putAll(labels);
            return this;
        }

        /** Adds one label. */
        public Builder label(String key, String value) {
            this.labels.put(key, value);
            return this;
        }

        /** When the backup volume was created. */
        public Builder createdAt(Instant t) {
            this.createdAt = t;
            return this;
        }

        /** The store's pointer to the latest backup, and its time. */
        public Builder lastBackup(String name, Instant at) {
            this.lastBackupName = name;
            this.lastBackupAt = at;
            return this;
        }

        /** Block compression. */
        public Builder compression(CompressionMethod c) {
            this.compression = c;
            return this;
        }

        /** {@code v1} or {@code v2}. */
        public Builder dataEngine(String e) {
            this.dataEngine = e;
            return this;
        }

        /** StorageClass recorded at the latest backup. */
        public Builder storageClassName(String sc) {
            this.storageClassName = sc;
            return this;
        }

        /** Backing image name and checksum. */
        public Builder backingImage(String name, String checksum) {
            this.backingImageName = name;
            this.backingImageChecksum = checksum;
            return this;
        }

        /** The backend's own identifier (defaults to the name). */
        public Builder backendId(String id) {
            this.backendId = id;
            return this;
        }

        /** Builds the value. */
        public BackupVolume build() {
            return new BackupVolume(name, size, labels, Optional.ofNullable(createdAt), Optional.ofNullable(lastBackupName),
                    Optional.ofNullable(lastBackupAt), compression, dataEngine, Optional.ofNullable(storageClassName),
                    Optional.ofNullable(backingImageName), Optional.ofNullable(backingImageChecksum), backendId);
        }
    }
}
