package io.drkit.core.bind;

import io.drkit.core.plan.RestoreStep;

/**
 * Receives the progress of one step. Methods have no-op defaults, must be fast and must not throw; they may be
 * called from several threads at once (one per step in flight).
 */
public interface BindListener {
    /** A listener that ignores everything. */
    BindListener NONE = new BindListener() { };

    /** The step entered {@code phase}; {@code detail} says what is being done. */
    default void phase(RestoreStep step, BindPhase phase, String detail) {
    }

    /** Progress within the current phase: {@code fraction} in [0, 1], or -1 when unknown. */
    default void progress(RestoreStep step, BindPhase phase, double fraction, String detail) {
    }
}
