package io.drkit.core.plan;

import io.drkit.core.model.PvcRef;
import java.util.Objects;
import java.util.Optional;

/**
 * Something a reviewer must read before applying the plan.
 *
 * @param pvc     the claim concerned, when there is one
 * @param kind    the kind of warning
 * @param message a human explanation naming the objects involved
 */
public record PlanWarning(Optional<PvcRef> pvc, Kind kind, String message) {

    /** Kinds of warnings. */
    public enum Kind {
        /** Several backup volumes map to the same claim; the newest complete backup was chosen. */
        MULTIPLE_SOURCES,
        /** The newest backup was far smaller than the previous one (possibly an empty volume backed up after a rebuild). */
        DATA_LOSS_GUARD,
        /** The store's last-backup pointer was empty, stale or pointed at an incomplete backup. */
        STALE_POINTER,
        /** The claim was no longer bound when the backup was taken. */
        HISTORIC_PVC_REF,
        /** The claim asks for more storage than the backup's volume has: it will not bind. */
        SIZE_MISMATCH,
        /** The claim's storage class differs from the PV's: it will not bind. */
        STORAGE_CLASS_MISMATCH,
        /** A PVC label selector was given but the plan has no cluster state to evaluate it on. */
        NO_CLUSTER_STATE,
        /** The catalog skipped entries while scanning. */
        CATALOG_SKIPPED,
        /** The catalog's view as a whole is not known to be complete (e.g. Longhorn has not synced its backup target). */
        CATALOG_INCOMPLETE,
        /**
         * A restore set has no point at which every claim has a backup within the window: each claim restores its own
         * newest backup (the message names the set, the backups and their skew).
         */
        INCONSISTENT_SET,
        /**
         * A backup changed far more of its volume than the volume usually changes (ransomware, a runaway job, a wrong
         * {@code mkfs}?); the message names the backup, its rate, the usual rate and what was planned.
         */
        CHANGE_RATE_ANOMALY
    }

    /** Validates. */
    public PlanWarning {
        pvc = Objects.requireNonNullElse(pvc, Optional.empty());
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return kind + pvc.map(p -> " " + p).orElse("") + ": " + message;
    }
}
