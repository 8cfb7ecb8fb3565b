package io.drkit.kubernetes.internal;

import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.model.LonghornLabels;
import io.drkit.core.util.Times;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The fields of a Longhorn {@code BackupVolume} CR (longhorn-manager {@code v1beta2/backupvolume.go}).
 *
 * <p>Naming differs by version: up to 1.7 the CR name is the volume name; from 1.8 it is
 * {@code <volume>-<8 chars>} and {@code spec.volumeName} / the {@code backup-volume} label name the volume. Upgraded
 * clusters keep old plain names. {@link #volumeName()} resolves all three.
 *
 * @param crName            the CR name (the backend id)
 * @param labels            metadata labels
 * @param specVolumeName    {@code spec.volumeName} (1.8+)
 * @param specTargetName    {@code spec.backupTargetName} (1.8+)
 * @param status            scalar {@code status} fields as strings
 * @param statusLabels      {@code status.labels}: the latest backup's labels
 * @param messages          {@code status.messages}; an {@code error} key means Longhorn could not read the volume
 * @param syncRequestedAt   {@code spec.syncRequestedAt}
 */
public record BackupVolumeCr(String crName, Map<String, String> labels, String specVolumeName, String specTargetName,
                             Map<String, String> status, Map<String, String> statusLabels, Map<String, String> messages,
                             String syncRequestedAt) {

    /** Copies. */
    public BackupVolumeCr {
        labels = Map.copyOf(labels);
        status = Map.copyOf(status);
        statusLabels = Map.copyOf(statusLabels);
        messages = Map.copyOf(messages);
    }

    /** Reads the CR. */
    public static BackupVolumeCr of(GenericKubernetesResource r) {
        Map<String, String> st = new java.util.LinkedHashMap<>();
        Object s = r.getAdditionalProperties().get("status");
        if (s instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (k != null && v != null && !(v instanceof Map) && !(v instanceof java.util.List)) {
                    st.put(k.toString(), v.toString());
                }
            });
        }
        return new BackupVolumeCr(Cr.name(r), Cr.labels(r), Cr.str(r, "spec", "volumeName"),
                Cr.str(r, "spec", "backupTargetName"), st, Cr.stringMap(r, "status", "labels"),
                Cr.stringMap(r, "status", "messages"), Cr.str(r, "spec", "syncRequestedAt"));
    }

    /** The original volume name: {@code spec.volumeName} (1.8+), the {@code backup-volume} label, or the CR name (≤1.7). */
    public String volumeName() {
        if (!specVolumeName.isEmpty()) {
            return specVolumeName;
        }
        String l = labels.getOrDefault(LonghornLabels.BACKUP_VOLUME, "");
        return l.isEmpty() ? crName : l;
    }

    /** The backup target (1.8+), empty on older versions. */
    public String backupTargetName() {
        return specTargetName.isEmpty() ? labels.getOrDefault(LonghornLabels.BACKUP_TARGET, "") : specTargetName;
    }

    /** Whether this BackupVolume belongs to {@code target} (empty = any; CRs of Longhorn ≤1.7 name no target). */
    public boolean inTarget(String target) {
        return target.isEmpty() || backupTargetName().isEmpty() || backupTargetName().equals(target);
    }

    /** Longhorn's error for this volume, if it could not read it ({@code status.messages.error}). */
    public Optional<String> error() {
        return Optional.ofNullable(messages.get("error")).filter(s -> !s.isBlank());
    }

    /** {@code status.lastSyncedAt}, if set. */
    public Optional<Instant> lastSyncedAt() {
        try {
            return Times.parse(status.get("lastSyncedAt"));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** {@code status.storageClassName} (1.5+). */
    public String storageClassName() {
        return status.getOrDefault("storageClassName", "");
    }

    /**
     * The dr-core value; {@code compression} comes from the volume's backups (the CR does not carry it).
     *
     * @throws InvalidBackupDataException when a time or size field cannot be parsed
     */
    public BackupVolume toBackupVolume(String namespace, CompressionMethod compression) {
        String where = "BackupVolume " + namespace + "/" + crName;
        try {
            BackupVolume.Builder b = BackupVolume.builder(volumeName()).backendId(crName).labels(statusLabels)
                    .compression(compression);
            String size = status.getOrDefault("size", "");
            if (!size.isBlank()) {
                try {
                    b.size(Long.parseLong(size.trim()));
                } catch (NumberFormatException e) {
                    throw new InvalidBackupDataException(where, "status.size is not a byte count: '" + size + "'", e);
                }
            }
            Times.parse(status.get("createdAt")).ifPresent(b::createdAt);
            String last = status.getOrDefault("lastBackupName", "");
            b.lastBackup(last.isEmpty() ? null : last, Times.parse(status.get("lastBackupAt")).orElse(null));
            if (!storageClassName().isEmpty()) {
                b.storageClassName(storageClassName());
            }
            String bi = status.getOrDefault("backingImageName", "");
            if (!bi.isEmpty()) {
                b.backingImage(bi, status.getOrDefault("backingImageChecksum", ""));
            }
            return b.build();
        } catch (DateTimeParseException e) {
            throw new InvalidBackupDataException(where, "unparsable time '" + e.getParsedString() + "'", e);
        }
    }
}
