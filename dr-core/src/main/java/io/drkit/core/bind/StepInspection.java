package io.drkit.core.bind;

import java.util.Objects;

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
}
