package io.drkit.kubernetes.internal;

import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupState;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.model.LonghornLabels;
import io.drkit.core.util.Times;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of a Longhorn {@code Backup} CR (longhorn-manager {@code v1beta2/backup.go}) and their mapping to a
 * dr-core {@link Backup}.
 *
 * @param name             CR name = backup name in the store
 * @param labels           metadata labels ({@code backup-volume}, {@code backup-target})
 * @param status           the {@code status} map, as strings
 * @param statusLabels     {@code status.labels}: the backup's labels from the store
 * @param backupMode       {@code spec.backupMode} (1.7+)
 * @param backupBlockSize  {@code spec.backupBlockSize} (after 1.9)
 */
public record BackupCr(String name, Map<String, String> labels, Map<String, String> status, Map<String, String> statusLabels,
                       String backupMode, String backupBlockSize) {

    /** Copies. */
    public BackupCr {
        labels = Map.copyOf(labels);
        status = Map.copyOf(status);
        statusLabels = Map.copyOf(statusLabels);
    }

    /** Reads the CR. */
    public static BackupCr of(GenericKubernetesResource r) {
        Map<String, String> st = new LinkedHashMap<>();
        Object s = r.getAdditionalProperties().get("status");
        if (s instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                if (k != null && v != null && !(v instanceof Map) && !(v instanceof java.util.List)) {
                    st.put(k.toString(), v.toString());
                }
            });
        }
        return new BackupCr(Cr.name(r), Cr.labels(r), st, Cr.stringMap(r, "status", "labels"),
                Cr.str(r, "spec", "backupMode"), Cr.str(r, "spec", "backupBlockSize"));
    }

    private String st(String key) {
        return status.getOrDefault(key, "");
    }

    /** {@code status.state}. */
    public String state() {
        return st("state");
    }

    /** {@code status.url}: the value to use as {@code fromBackup}. */
    public String url() {
        return st("url");
    }

    /** The original volume: {@code status.volumeName}, else the {@code backup-volume} label. */
    public String volumeName() {
        String v = st("volumeName");
        return v.isEmpty() ? labels.getOrDefault(LonghornLabels.BACKUP_VOLUME, "") : v;
    }

    /** The backup target: {@code status.backupTargetName}, else the {@code backup-target} label (1.8+; empty before). */
    public String backupTargetName() {
        String v = st("backupTargetName");
        return v.isEmpty() ? labels.getOrDefault(LonghornLabels.BACKUP_TARGET, "") : v;
    }

    /**
     * {@code status.newlyUploadDataSize} (Longhorn 1.7+): compressed bytes of blocks this backup uploaded for the first
     * time; -1 when the CR has none (before 1.7) or it is not a byte count.
     */
    public long newlyUploadedDataSize() {
        String v = st("newlyUploadDataSize").trim();
        if (v.isEmpty()) {
            return -1;
        }
        try {
            long n = Long.parseLong(v);
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether Longhorn's backup controller has inspected it and it can be restored: Completed with a URL. */
    public boolean isComplete() {
        return "Completed".equals(state()) && !url().isEmpty();
    }

    /**
     * The dr-core value; {@code fallbackVolumeName} is used when the CR names no volume.
     *
     * @throws InvalidBackupDataException when a time or size field cannot be parsed (location = the CR)
     */
    public Backup toBackup(String namespace, String fallbackVolumeName) {
        String where = "Backup " + namespace + "/" + name;
        try {
            Backup.Builder b = Backup.builder(name, volumeName().isEmpty() ? fallbackVolumeName : volumeName())
                    .state(BackupState.fromLonghorn(state()))
                    .labels(statusLabels)
                    .size(bytes(st("size"), "status.size", where))
                    .volumeSize(bytes(st("volumeSize"), "status.volumeSize", where));
            if (!st("snapshotName").isEmpty()) {
                b.snapshotName(st("snapshotName"));
            }
            Times.parse(st("snapshotCreatedAt")).ifPresent(b::snapshotCreatedAt);
            Times.parse(st("backupCreatedAt")).ifPresent(b::completedAt);
            if (!url().isEmpty()) {
                try {
                    b.url(BackupUrl.parse(url()));
                } catch (InvalidInputException e) {
                    throw new InvalidBackupDataException(where, "status.url: " + e.getMessage(), e);
                }
            }
            if (!st("error").isEmpty()) {
                b.error(st("error"));
            }
            String cm = st("compressionMethod");
            b.compression(CompressionMethod.parse(cm).orElse(CompressionMethod.GZIP));
            if (!cm.isEmpty() && CompressionMethod.parse(cm).isEmpty()) {
                throw new InvalidBackupDataException(where, "unknown compression method '" + cm + "'");
            }
            Map<String, String> params = new LinkedHashMap<>();
            if (!backupMode.isEmpty()) {
                params.put("backup-mode", backupMode);
            }
            long block = bytes(backupBlockSize, "spec.backupBlockSize", where);
            if (block > 0) {
                b.blockSize(block);
                params.put("backup-block-size", Long.toString(block));
            }
            b.parameters(params);
            return b.build();
        } catch (DateTimeParseException e) {
            throw new InvalidBackupDataException(where, "unparsable time '" + e.getParsedString() + "'", e);
        }
    }

    private static long bytes(String s, String field, String where) {
        if (s == null || s.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new InvalidBackupDataException(where, field + " is not a byte count: '" + s + "'", e);
        }
    }
}
