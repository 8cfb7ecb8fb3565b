package io.drkit.core.catalog;

import io.drkit.core.InvalidBackupDataException;
import java.util.Objects;

/**
 * An entry a catalog skipped instead of failing the whole scan: an in-progress backup, an unreadable cfg, a junk
 * file. Reported with its location and the reason, so an operator can see exactly what was left out.
 *
 * @param location where the entry lives (an object key, a file path, a resource name)
 * @param reason   the kind of problem
 * @param detail   a human explanation (for example the JSON parser's message); a {@code " (at <location>)"} it
 *                 carries for this entry's own location is dropped, since the entry shows its location once
 */
public record SkippedEntry(String location, Reason reason, String detail) {

    /** Why an entry was skipped. */
    public enum Reason {
        /** A backup that is still being written, or failed before completion ({@code CreatedTime} empty). */
        IN_PROGRESS,
        /** A backup that Longhorn reports as failed or not yet completed. */
        NOT_COMPLETED,
        /** A cfg that could not be read (I/O error, permission, vanished between list and get). */
        UNREADABLE,
        /** A cfg that is not valid JSON, or lacks required fields. */
        INVALID_DATA,
        /** A name Longhorn itself would reject. */
        INVALID_NAME,
        /** A temporary file ({@code *.tmp.<n>}) left by an interrupted write. */
        TEMP_FILE,
        /** A directory without {@code volume.cfg} (a partly deleted volume, or the {@code BACKINGIMAGE} lock dir). */
        NO_VOLUME_CFG,
        /** A store entry that is not a volume backup (system backups, backing images, locks). */
        NOT_A_VOLUME_BACKUP,
        /** A backend resource that reports an error of its own. */
        BACKEND_ERROR,
        /**
         * A backup volume the backend lists but has not synced yet (Longhorn: its last backup has no Backup object, or
         * is not inspected yet; the volume was never synced): its backups are not known completely. See
         * {@link BackupCatalog#completeness()}.
         */
        NOT_SYNCED
    }

    /** Validates. */
    public SkippedEntry {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(reason, "reason");
        detail = InvalidBackupDataException.withoutLocation(detail, location);
    }

    @Override
    public String toString() {
        return location + ": " + reason + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
