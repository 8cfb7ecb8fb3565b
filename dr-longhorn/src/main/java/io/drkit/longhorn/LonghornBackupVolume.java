package io.drkit.longhorn;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A BackupVolume as Longhorn's REST API reports it ({@code GET /v1/backupvolumes}): one volume's folder in a backup
 * target, with a pointer to its latest backup.
 *
 * <p>Never build {@link #id()} from a volume name: on Longhorn 1.8+ it is {@code <volume>-<8 chars>} (random on
 * 1.8.0-1.9.0, a hash of volume and target from 1.9.1), and CRs created before an upgrade keep their plain names.
 * Match on {@link #volumeName()} and {@link #backupTargetName()} instead ({@link LonghornClient#findBackupVolume}).
 *
 * @param id                   the BackupVolume CR name: the path segment for {@code backupList}/{@code backupGet}
 * @param volumeName           the original volume name: the {@code volumeName} field (1.8+), else the CR name
 * @param backupTargetName     the target it belongs to (1.8+); empty before 1.8, when there is only {@code default}
 * @param size                 volume size in bytes at the latest backup
 * @param labels               labels of the latest backup ({@code KubernetesStatus}, ...)
 * @param created              when the backup volume was created in the store
 * @param lastBackupName       the store's pointer to the latest backup (may be empty or stale)
 * @param lastBackupAt         time of that backup
 * @param dataStored           bytes stored for this volume
 * @param messages             Longhorn's messages; an {@code error} key means listing or inspecting failed
 * @param storageClassName     StorageClass of the PVC at the latest backup (1.5+)
 * @param backingImageName     backing image, if any
 * @param backingImageChecksum its checksum, if any
 */
public record LonghornBackupVolume(String id, String volumeName, Optional<String> backupTargetName, long size,
                                   Map<String, String> labels, Optional<Instant> created,
                                   Optional<String> lastBackupName, Optional<Instant> lastBackupAt, long dataStored,
                                   Map<String, String> messages, Optional<String> storageClassName,
                                   Optional<String> backingImageName, Optional<String> backingImageChecksum) {

    /** The name Longhorn gives its only target before 1.8 and its first target from 1.8 on. */
    public static final String DEFAULT_TARGET = "default";

    /** Validates and copies. */
    public LonghornBackupVolume {
        Objects.requireNonNull(id, "id");
        volumeName = volumeName == null || volumeName.isEmpty() ? id : volumeName;
        backupTargetName = nonEmpty(backupTargetName);
        labels = copy(labels);
        created = Objects.requireNonNullElse(created, Optional.empty());
        lastBackupName = nonEmpty(lastBackupName);
        lastBackupAt = Objects.requireNonNullElse(lastBackupAt, Optional.empty());
        messages = copy(messages);
        storageClassName = nonEmpty(storageClassName);
        backingImageName = nonEmpty(backingImageName);
        backingImageChecksum = nonEmpty(backingImageChecksum);
    }

    /** The target name, {@value #DEFAULT_TARGET} when Longhorn does not report one (before 1.8). */
    public String targetNameOrDefault() {
        return backupTargetName.orElse(DEFAULT_TARGET);
    }

    /** Longhorn's error for this backup volume ({@code messages.error}), if any. */
    public Optional<String> error() {
        return Optional.ofNullable(messages.get("error")).filter(s -> !s.isBlank());
    }

    /**
     * Whether this is the almost empty object {@code GET /v1/backupvolumes/{id}} returns for an id that does not
     * exist (Longhorn answers 200 with only the name set, for its CSI plugin): no creation time, no size, no pointer,
     * no labels.
     */
    public boolean isPlaceholder() {
        return created.isEmpty() && size == 0 && lastBackupName.isEmpty() && labels.isEmpty() && dataStored == 0;
    }

    private static Optional<String> nonEmpty(Optional<String> o) {
        return Objects.requireNonNullElse(o, Optional.<String>empty()).filter(s -> !s.isEmpty());
    }

    private static Map<String, String> copy(Map<String, String> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNullElse(m, Map.of())));
    }
}
