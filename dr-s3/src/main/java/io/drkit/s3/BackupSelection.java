package io.drkit.s3;

import io.drkit.core.InvalidInputException;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupUrl;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which backup of a volume to restore: a named one, the newest complete one, or the newest complete one taken at or
 * before a point in time (by the time the data represents, Longhorn's {@code SnapshotCreatedAt}).
 *
 * @param volumeName the volume (its original name in the store)
 * @param backupName a backup name, or empty for the newest
 * @param atOrBefore with no name: only backups whose point in time is at or before this instant
 */
public record BackupSelection(String volumeName, Optional<String> backupName, Optional<Instant> atOrBefore) {

    /** Validates. */
    public BackupSelection {
        Objects.requireNonNull(volumeName, "volumeName");
        backupName = Objects.requireNonNullElse(backupName, Optional.<String>empty()).filter(s -> !s.isEmpty());
        atOrBefore = Objects.requireNonNullElse(atOrBefore, Optional.empty());
        if (backupName.isPresent() && atOrBefore.isPresent()) {
            throw new InvalidInputException("select a backup either by name or by time, not both");
        }
    }

    /** The newest complete backup of {@code volume}. */
    public static BackupSelection newest(String volume) {
        return new BackupSelection(volume, Optional.empty(), Optional.empty());
    }

    /** The newest complete backup of {@code volume} whose data is from {@code time} or earlier. */
    public static BackupSelection newestAtOrBefore(String volume, Instant time) {
        return new BackupSelection(volume, Optional.empty(), Optional.of(Objects.requireNonNull(time, "time")));
    }

    /** Backup {@code backup} of {@code volume}. */
    public static BackupSelection named(String volume, String backup) {
        return new BackupSelection(volume, Optional.of(Objects.requireNonNull(backup, "backup")), Optional.empty());
    }

    /** A backup found in a catalog. */
    public static BackupSelection of(Backup backup) {
        return named(backup.volumeName(), backup.name());
    }

    /**
     * The backup a Longhorn backup URL names ({@code s3://bucket@region/?backup=...&volume=...}); the URL's target is
     * not checked against the store being read.
     *
     * @throws InvalidInputException when the URL is not a backup URL
     */
    public static BackupSelection ofUrl(String backupUrl) {
        BackupUrl u = BackupUrl.parse(backupUrl);
        return named(u.volumeName(), u.backupName());
    }

    @Override
    public String toString() {
        return backupName.map(b -> "backup " + b + " of volume " + volumeName)
                .orElseGet(() -> "newest complete backup of volume " + volumeName
                        + atOrBefore.map(t -> " at or before " + t).orElse(""));
    }
}
