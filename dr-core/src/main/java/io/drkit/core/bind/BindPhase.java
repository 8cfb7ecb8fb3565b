package io.drkit.core.bind;

/** The phases a binder goes through for one step, reported to progress listeners in this order. */
public enum BindPhase {
    /** Checking what already exists. */
    PREFLIGHT,
    /** Waiting until the backend knows the backup (Longhorn syncs its backup target on a poll interval). */
    WAIT_FOR_BACKUP,
    /** Creating the Longhorn volume from the backup. */
    CREATE_VOLUME,
    /** Waiting for the restore to finish. */
    RESTORING,
    /** Creating the PersistentVolume, pre-bound to the claim. */
    CREATE_PV,
    /** Creating the PersistentVolumeClaim (only when asked). */
    CREATE_PVC,
    /** Finished. */
    DONE
}
