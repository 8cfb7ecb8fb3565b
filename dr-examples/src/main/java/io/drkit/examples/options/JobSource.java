package io.drkit.examples.options;

/** Where the restore Job reads which backups exist ({@code DRKIT_SOURCE}). */
public enum JobSource {
    /** Longhorn's raw backupstore, read directly (S3 or a mounted directory): no need for Longhorn to sync first. */
    BACKUPSTORE("backupstore"),
    /** Longhorn's Backup and BackupVolume CRs: only what Longhorn has synced from its backup target. */
    LONGHORN_CRDS("longhorn-crds");

    private final String value;

    JobSource(String value) {
        this.value = value;
    }

    /** The configuration value. */
    public String value() {
        return value;
    }
}
