package io.drkit.core.bind;

import io.drkit.core.plan.RestoreStep;
import java.util.Objects;
import java.util.Optional;

/**
 * What a binder found in the cluster for one step, right before carrying it out.
 *
 * @param state  the finding
 * @param detail a human explanation naming the objects found
 */
public record StepInspection(State state, String detail) {

    /** Findings. */
    public enum State {
        /** Nothing of this step exists yet. */
        NOT_STARTED,
        /** Part of this step exists and matches (for example the volume, still restoring, or without its PV). */
        PARTIAL,
        /** Everything exists and matches: volume from the same backup, PV pre-bound to the claim. */
        COMPLETE,
        /** Something of the same name exists and does not match: the step must not run. */
        CONFLICT
    }

    /** Validates. */
    public StepInspection {
        Objects.requireNonNull(state, "state");
        detail = Objects.requireNonNullElse(detail, "");
    }

    /** Convenience factory. */
    public static StepInspection of(State state, String detail) {
        return new StepInspection(state, detail);
    }

    /**
     * The one rule from a step's state to its finding: a conflict is {@link State#CONFLICT}; neither volume nor PV
     * is {@link State#NOT_STARTED}; a restored volume with a ready PV (and the claim, when the step creates it) is
     * {@link State#COMPLETE}; anything else {@link State#PARTIAL}.
     */
    public static StepInspection of(RestoreStep step, StepState s) {
        Optional<String> conflict = s.conflict();
        if (conflict.isPresent()) {
            return of(State.CONFLICT, conflict.get());
        }
        if (s.volume() == StepState.VolumeFinding.ABSENT && s.pv() == StepState.PvFinding.ABSENT) {
            return of(State.NOT_STARTED, s.describe());
        }
        boolean complete = s.volume() == StepState.VolumeFinding.RESTORED && s.pv() == StepState.PvFinding.READY
                && (!step.createPvc() || s.claimExists());
        return of(complete ? State.COMPLETE : State.PARTIAL, s.describe());
    }
}
