package io.drkit.core.model;

import java.util.Locale;

/** The state of one backup; only {@link #COMPLETED} backups are restore candidates. */
public enum BackupState {
    /** Finished and readable. */
    COMPLETED,
    /** Being written (a backupstore cfg with an empty {@code CreatedTime}, or Longhorn's {@code InProgress}). */
    IN_PROGRESS,
    /** Known to Longhorn but not yet started or not yet inspected ({@code ""}, {@code New}, {@code Pending}). */
    PENDING,
    /** Failed. */
    ERROR,
    /** Being deleted. */
    DELETING,
    /** Longhorn reported {@code Unknown}, or a state this library does not know. */
    UNKNOWN;

    /** Maps Longhorn's {@code Backup.status.state} strings; empty maps to {@link #PENDING}. */
    public static BackupState fromLonghorn(String s) {
        if (s == null || s.isBlank()) {
            return PENDING;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "completed" -> COMPLETED;
            case "inprogress", "in_progress", "in-progress" -> IN_PROGRESS;
            case "new", "pending" -> PENDING;
            case "error" -> ERROR;
            case "deleting" -> DELETING;
            default -> UNKNOWN;
        };
    }
}
