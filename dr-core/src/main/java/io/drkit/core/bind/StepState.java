package io.drkit.core.bind;

import java.util.Objects;
import java.util.Optional;

/**
 * What exists in the cluster for one restore step, read once by {@link StepOperations#read} right before the step
 * runs, as the step engine needs to see it. A backend's implementation is an immutable value that also keeps what its
 * own operations need later (the Longhorn volume it read, the PV, the claim); the engine hands the same value to them.
 */
public interface StepState {

    /** What the engine needs to know about the step's Longhorn volume. */
    enum VolumeFinding {
        /** No volume of the step's name exists. */
        ABSENT,
        /** The volume exists, from the step's backup, and its restore has not finished (or failed). */
        RESTORING,
        /** The volume exists, from the step's backup, and is restored. */
        RESTORED
    }

    /** What the engine needs to know about the step's PersistentVolume. */
    enum PvFinding {
        /** No PV of the step's name exists. */
        ABSENT,
        /**
         * The PV exists for the step's volume but is not ready for the claim yet (Kubernetes: no {@code claimRef};
         * Longhorn's REST view: not reported {@code Available} or {@code Bound}); the backend prepares it.
         */
        NOT_READY,
        /** The PV exists for the step's volume and is ready for the claim. */
        READY
    }

    /**
     * Why the step must not run, naming the object: something of the step's names exists and does not match (a
     * volume from another backup, a PV of another volume, a claim bound elsewhere). Empty when nothing conflicts.
     */
    Optional<String> conflict();

    /** The step's Longhorn volume. */
    VolumeFinding volume();

    /** The step's PV. */
    PvFinding pv();

    /** Whether the step's claim exists (and, when there is no conflict, can bind to the step's PV). */
    boolean claimExists();

    /** A human description of what was found, naming the objects (the pre-flight's detail). */
    String describe();

    /**
     * A state that is only the findings, for backends whose operations need nothing else of what they read (Longhorn's
     * REST API, the in-memory cluster).
     *
     * @param conflictReason why the step must not run, or {@code ""}
     * @param volume         the step's volume
     * @param pv             the step's PV
     * @param claimExists    whether the step's claim exists
     * @param describe       what was found, in words
     */
    record Snapshot(String conflictReason, VolumeFinding volume, PvFinding pv, boolean claimExists, String describe)
            implements StepState {

        /** Validates. */
        public Snapshot {
            conflictReason = Objects.requireNonNullElse(conflictReason, "");
            Objects.requireNonNull(volume, "volume");
            Objects.requireNonNull(pv, "pv");
            describe = Objects.requireNonNullElse(describe, "");
        }

        @Override
        public Optional<String> conflict() {
            return conflictReason.isEmpty() ? Optional.empty() : Optional.of(conflictReason);
        }

        /** The same findings with the volume as {@code v}. */
        public Snapshot withVolume(VolumeFinding v) {
            return new Snapshot(conflictReason, v, pv, claimExists, describe);
        }
    }
}
