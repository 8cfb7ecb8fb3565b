package io.drkit.core.bind;

/**
 * How one restore step ended: the one outcome type of the pipeline. The step engine decides the three successful
 * outcomes by one rule (nothing created: {@link #ADOPTED}; something created and something found: {@link #RESUMED};
 * everything created: {@link #RESTORED}); the executor adds the other three.
 */
public enum StepOutcome {
    /** Restored by this run (volume, PV and, if asked, PVC created). */
    RESTORED,
    /** Finished by this run after an earlier run (or a concurrent one) had started it. */
    RESUMED,
    /** Found complete and matching; nothing changed. */
    ADOPTED,
    /** Not run: the pre-flight check found a conflict. */
    SKIPPED,
    /** Failed with an error; other steps went on. */
    FAILED,
    /** Cancelled before or while running. */
    CANCELLED;

    /** Whether the claim's data is in place after this outcome. */
    public boolean isSuccess() {
        return this == RESTORED || this == RESUMED || this == ADOPTED;
    }
}
