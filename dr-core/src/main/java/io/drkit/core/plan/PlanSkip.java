package io.drkit.core.plan;

import io.drkit.core.model.PvcRef;
import java.util.Objects;
import java.util.Optional;

/**
 * A candidate the plan does not restore, with the reason.
 *
 * @param pvc     the claim concerned, when known
 * @param subject what was skipped: the claim, or the backup volume when no claim is known
 * @param reason  the kind of reason
 * @param detail  a human explanation naming the objects involved
 */
public record PlanSkip(Optional<PvcRef> pvc, String subject, SkipReason reason, String detail) {

    /** Why a candidate is not restored. */
    public enum SkipReason {
        /** The selection did not include it. */
        NOT_SELECTED,
        /** No complete backup exists (at or before the requested time). */
        NO_BACKUP,
        /** The backups do not say which claim the volume belonged to (an orphan volume). */
        NO_PVC_MAPPING,
        /** Another backup volume of the same claim has a newer complete backup. */
        SUPERSEDED,
        /** The claim is bound (or pre-bound) to a different volume: we never take it over. */
        PVC_BOUND_ELSEWHERE,
        /** The claim is already bound to the volume this plan would create: nothing to do. */
        ALREADY_RESTORED,
        /** A Longhorn volume with the target name exists and was not restored from this backup. */
        VOLUME_NAME_TAKEN,
        /** A PV with the target name exists and belongs to something else. */
        PV_NAME_TAKEN,
        /** The chosen backup is older than the requested maximum age. */
        BACKUP_TOO_OLD,
        /** The naming template gives a name Kubernetes or Longhorn would reject. */
        INVALID_NAME,
        /** The backup's labels could not be parsed. */
        INVALID_BACKUP_DATA,
        /**
         * The catalog's view is not known to be complete for this candidate (Longhorn has not synced the backup volume,
         * or the backup target, yet): its backups are unknown, which is not the same as none. The detail names what is
         * not synced. Plan again once the backend has synced (the CLI and the Job exit 5, "retry").
         */
        CATALOG_INCOMPLETE,
        /**
         * The claim's restore set has no point at which every claim has a backup within the window, and the request
         * is strict: the whole set is held.
         */
        INCONSISTENT_SET,
        /**
         * The backup the claim would restore changed far more of its volume than usual and the anomaly policy is
         * {@code hold} (or {@code previous} found no backup before the anomaly): a human decides.
         */
        CHANGE_RATE_ANOMALY;

        /** Whether the claim is held for a human decision ({@link #INCONSISTENT_SET}, {@link #CHANGE_RATE_ANOMALY}). */
        public boolean isHold() {
            return this == INCONSISTENT_SET || this == CHANGE_RATE_ANOMALY;
        }
    }

    /** Validates. */
    public PlanSkip {
        pvc = Objects.requireNonNullElse(pvc, Optional.empty());
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(reason, "reason");
        detail = Objects.requireNonNullElse(detail, "");
    }

    @Override
    public String toString() {
        return subject + ": " + reason + " - " + detail;
    }
}
