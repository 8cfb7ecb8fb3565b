package io.drkit.longhorn;

import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupState;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.util.Redaction;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One backup as Longhorn's REST API reports it ({@code backupList}/{@code backupGet} on a backup volume).
 *
 * <p>Only backups that are {@linkplain #isComplete() complete} can be restored: Backup CRs pulled from the store start
 * with an empty status (no state, no URL) until Longhorn has inspected them.
 *
 * @param name                   {@code backup-<16 hex>}, the Backup CR name and the name in the store
 * @param state                  Longhorn's state string ({@code Completed}, {@code InProgress}, {@code ""}, ...)
 * @param progress               upload progress 0-100
 * @param error                  Longhorn's error text, if any
 * @param url                    the backup URL, to be used verbatim as a volume's {@code fromBackup}
 * @param snapshotName           the snapshot it was taken from
 * @param snapshotCreated        when that snapshot was taken (the point in time of the data)
 * @param created                when the backup finished
 * @param size                   bytes stored for this backup
 * @param labels                 backup labels ({@code KubernetesStatus}, {@code RecurringJob}, ...)
 * @param messages               Longhorn's messages for this backup
 * @param volumeName             the original volume name
 * @param volumeSize             size of the volume to restore into, in bytes
 * @param volumeCreated          when the source volume was created
 * @param volumeBackingImageName backing image of the source volume, if any
 * @param compressionMethod      {@code none}, {@code lz4} or {@code gzip} (1.5+; absent means gzip)
 * @param backupMode             {@code full} or {@code incremental} (1.7+)
 * @param backupTargetName       the target (1.8+)
 * @param newlyUploadedDataSize  compressed bytes of blocks this backup uploaded for the first time (1.7+, Longhorn
 *                               spells the key {@code newlyUploadDataSize}); -1 when Longhorn does not report it
 * @param reUploadedDataSize     compressed bytes of blocks a full backup uploaded again (1.7+); -1 when not reported
 */
public record LonghornBackup(String name, String state, int progress, Optional<String> error, Optional<String> url,
                             Optional<String> snapshotName, Optional<Instant> snapshotCreated, Optional<Instant> created,
                             long size, Map<String, String> labels, Map<String, String> messages, String volumeName,
                             long volumeSize, Optional<Instant> volumeCreated, Optional<String> volumeBackingImageName,
                             Optional<String> compressionMethod, Optional<String> backupMode,
                             Optional<String> backupTargetName, long newlyUploadedDataSize, long reUploadedDataSize) {

    /** Validates and copies. */
    public LonghornBackup {
        Objects.requireNonNull(name, "name");
        state = Objects.requireNonNullElse(state, "");
        error = nonEmpty(error);
        url = nonEmpty(url);
        snapshotName = nonEmpty(snapshotName);
        snapshotCreated = Objects.requireNonNullElse(snapshotCreated, Optional.empty());
        created = Objects.requireNonNullElse(created, Optional.empty());
        labels = copy(labels);
        messages = copy(messages);
        volumeName = Objects.requireNonNullElse(volumeName, "");
        volumeCreated = Objects.requireNonNullElse(volumeCreated, Optional.empty());
        volumeBackingImageName = nonEmpty(volumeBackingImageName);
        compressionMethod = nonEmpty(compressionMethod);
        backupMode = nonEmpty(backupMode);
        backupTargetName = nonEmpty(backupTargetName);
    }

    /** The state in dr-core's terms. */
    public BackupState backupState() {
        return BackupState.fromLonghorn(state);
    }

    /** Whether this backup can be restored: state {@code Completed} and a URL. */
    public boolean isComplete() {
        return backupState() == BackupState.COMPLETED && url.isPresent();
    }

    /**
     * This backup as a dr-core {@link Backup}; {@code fallbackVolumeName} is used when Longhorn reports no volume
     * name (a backup that was not inspected yet). Longhorn's URL text is parsed here, once.
     *
     * @throws InvalidBackupDataException when Longhorn's URL is not a backup URL drkit can restore from
     */
    public Backup toBackup(String fallbackVolumeName) {
        String vol = volumeName.isEmpty() ? fallbackVolumeName : volumeName;
        Map<String, String> parameters = new LinkedHashMap<>();
        backupMode.ifPresent(m -> parameters.put("backup-mode", m));
        CompressionMethod compression = compressionMethod.flatMap(CompressionMethod::parse).orElse(CompressionMethod.GZIP);
        return Backup.builder(name, vol)
                .snapshotName(snapshotName.orElse(null))
                .snapshotCreatedAt(snapshotCreated.orElse(null))
                .completedAt(created.orElse(null))
                .size(size)
                .volumeSize(volumeSize)
                .labels(labels)
                .state(backupState())
                .compression(compression)
                .url(backupUrl().orElse(null))
                .parameters(parameters)
                .error(error.orElse(null))
                .build();
    }

    /**
     * The {@link #url()} as a {@link BackupUrl}: Longhorn's text parsed (the REST client does so as each backup comes
     * in, and skips one whose URL is not a backup URL as invalid data).
     *
     * @throws InvalidBackupDataException when the text is not a backup URL drkit can restore from
     */
    public Optional<BackupUrl> backupUrl() {
        if (url.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(BackupUrl.parse(url.get()));
        } catch (InvalidInputException e) {
            throw new InvalidBackupDataException("Longhorn backup " + name, "url: " + e.getMessage(), e);
        }
    }

    /** Readable, with the URL's password-like options masked. */
    @Override
    public String toString() {
        return "LonghornBackup[name=" + name + ", volume=" + volumeName + ", state=" + state
                + ", created=" + created.map(Instant::toString).orElse("-") + ", size=" + size
                + ", url=" + url.map(Redaction::url).orElse("-") + error.map(e -> ", error=" + e).orElse("") + "]";
    }

    private static Optional<String> nonEmpty(Optional<String> o) {
        return Objects.requireNonNullElse(o, Optional.<String>empty()).filter(s -> !s.isEmpty());
    }

    private static Map<String, String> copy(Map<String, String> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNullElse(m, Map.of())));
    }
}
