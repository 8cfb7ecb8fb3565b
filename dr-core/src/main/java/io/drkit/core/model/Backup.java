package io.drkit.core.model;

import io.drkit.core.util.FrozenMap;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One backup of one volume (Longhorn's {@code backup_<name>.cfg}, or a Backup resource).
 *
 * @param name              backup name, e.g. {@code backup-0a1b2c3d4e5f6071}
 * @param volumeName        the original volume name in the store
 * @param snapshotName      the Longhorn snapshot it was taken from
 * @param snapshotCreatedAt when the backup started: the point in time the data represents
 * @param completedAt       when the backup finished ({@code CreatedTime}); empty while in progress or after failure
 * @param size              logical bytes in this backup (blocks x block size), not the volume size
 * @param volumeSize        size of the volume to restore into, in bytes (0 when unknown)
 * @param labels            backup labels ({@code KubernetesStatus}, {@code RecurringJob}, user labels, ...)
 * @param state             whether the backup is complete
 * @param compression       block compression
 * @param blockSize         block size in bytes (2 MiB, or 16 MiB on Longhorn 1.10+)
 * @param url               the Longhorn backup URL, usable as {@code fromBackup}; empty while the backend has none
 *                          (a backup in progress)
 * @param parameters        backup parameters ({@code backup-mode}, {@code backup-block-size})
 * @param error             the backend's error text for a failed backup
 */
public record Backup(String name, String volumeName, Optional<String> snapshotName, Optional<Instant> snapshotCreatedAt,
                     Optional<Instant> completedAt, long size, long volumeSize, Map<String, String> labels,
                     BackupState state, CompressionMethod compression, long blockSize, Optional<BackupUrl> url,
                     Map<String, String> parameters, Optional<String> error) {

    /** Longhorn's default block size, 2 MiB. */
    public static final long DEFAULT_BLOCK_SIZE = 2L * 1024 * 1024;

    /** Newest first: by point in time, then completion time, then name (deterministic). */
    public static final Comparator<Backup> NEWEST_FIRST = Comparator
            .comparing((Backup b) -> b.pointInTime().orElse(Instant.MIN))
            .thenComparing(b -> b.completedAt().orElse(Instant.MIN))
            .thenComparing(Backup::name)
            .reversed();

    /** Validates and copies. */
    public Backup {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(volumeName, "volumeName");
        snapshotName = Objects.requireNonNullElse(snapshotName, Optional.<String>empty()).filter(s -> !s.isEmpty());
        snapshotCreatedAt = Objects.requireNonNullElse(snapshotCreatedAt, Optional.empty());
        completedAt = Objects.requireNonNullElse(completedAt, Optional.empty());
        labels = FrozenMap.copyOf(labels);
        state = Objects.requireNonNullElse(state, BackupState.UNKNOWN);
        compression = Objects.requireNonNullElse(compression, CompressionMethod.GZIP);
        blockSize = blockSize <= 0 ? DEFAULT_BLOCK_SIZE : blockSize;
        url = Objects.requireNonNullElse(url, Optional.empty());
        parameters = FrozenMap.copyOf(parameters);
        error = Objects.requireNonNullElse(error, Optional.<String>empty()).filter(s -> !s.isEmpty());
    }

    /** A builder for backup {@code name} of volume {@code volumeName}. */
    public static Builder builder(String name, String volumeName) {
        return new Builder(name, volumeName);
    }

    /** A builder prefilled with this backup. */
    public Builder toBuilder() {
        Builder b = new Builder(name, volumeName);
        b.snapshotName = snapshotName.orElse(null);
        b.snapshotCreatedAt = snapshotCreatedAt.orElse(null);
        b.completedAt = completedAt.orElse(null);
        b.size = size;
        b.volumeSize = volumeSize;
        b.labels.putAll(labels);
        b.state = state;
        b.compression = compression;
        b.blockSize = blockSize;
        b.url = url.orElse(null);
        b.parameters.putAll(parameters);
        b.error = error.orElse(null);
        return b;
    }

    /** Whether this backup can be restored: {@link BackupState#COMPLETED} with a backup URL. */
    public boolean isComplete() {
        return state == BackupState.COMPLETED && url.isPresent();
    }

    /** The time the data represents: the snapshot time, or the completion time when that is unknown. */
    public Optional<Instant> pointInTime() {
        return snapshotCreatedAt.or(() -> completedAt);
    }

    /**
     * The Kubernetes status recorded with this backup.
     *
     * @throws io.drkit.core.InvalidBackupDataException when the label is malformed
     */
    public Optional<KubernetesStatus> kubernetesStatus() {
        return KubernetesStatus.fromLabels(labels);
    }

    /**
     * Recurring jobs and groups recorded with this backup.
     *
     * @throws io.drkit.core.InvalidBackupDataException when the label is malformed
     */
    public RecurringJobInfo recurringJobInfo() {
        return RecurringJobInfo.fromLabels(labels);
    }

    /** The source volume's access mode, from its label ({@code rwo}, {@code rwop}, {@code rwx}), if recorded. */
    public Optional<AccessMode> accessMode() {
        return AccessMode.fromLonghorn(labels.get(LonghornLabels.VOLUME_ACCESS_MODE));
    }

    /** Builds {@link Backup}s. */
    public static final class Builder {
        private final String name;
        private final String volumeName;
        private String snapshotName;
        private Instant snapshotCreatedAt;
        private Instant completedAt;
        private long size;
        private long volumeSize;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private BackupState state = BackupState.COMPLETED;
        private CompressionMethod compression = CompressionMethod.GZIP;
        private long blockSize = DEFAULT_BLOCK_SIZE;
        private BackupUrl url;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private String error;

        private Builder(String name, String volumeName) {
            this.name = Objects.requireNonNull(name, "name");
            this.volumeName = Objects.requireNonNull(volumeName, "volumeName");
        }

        /** Source snapshot name. */
        public Builder snapshotName(String s) {
            this.snapshotName = s;
            return this;
        }

        /** When the backup started (the point in time of the data). */
        public Builder snapshotCreatedAt(Instant t) {
            this.snapshotCreatedAt = t;
            return this;
        }

        /** When the backup finished. */
        public Builder completedAt(Instant t) {
            this.completedAt = t;
            return this;
        }

        /** Logical bytes in the backup. */
        public Builder size(long bytes) {
            this.size = bytes;
            return this;
        }

        /** Size of the volume to restore into. */
        public Builder volumeSize(long bytes) {
            this.volumeSize = bytes;
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

        /** Backup state (default {@link BackupState#COMPLETED}). */
        public Builder state(BackupState s) {
            this.state = s;
            return this;
        }

        /** Block compression. */
        public Builder compression(CompressionMethod c) {
            this.compression = c;
            return this;
        }

        /** Block size in bytes. */
        public Builder blockSize(long bytes) {
            this.blockSize = bytes;
            return this;
        }

        /** The Longhorn backup URL ({@code null}: none). */
        public Builder url(BackupUrl url) {
            this.url = url;
            return this;
        }

        /** Replaces the parameters. */
        public Builder parameters(Map<String, String> p) {
            this.parameters.clear();
            this.parameters.putAll(p);
            return this;
        }

        /** The backend's error text. */
        public Builder error(String e) {
            this.error = e;
            return this;
        }

        /** Builds the value. */
        public Backup build() {
            return new Backup(name, volumeName, Optional.ofNullable(snapshotName), Optional.ofNullable(snapshotCreatedAt),
                    Optional.ofNullable(completedAt), size, volumeSize, labels, state, compression, blockSize,
                    Optional.ofNullable(url), parameters, Optional.ofNullable(error));
        }
    }
}
