package io.drkit.core.execute;

import io.drkit.core.bind.BindResult;
import io.drkit.core.model.PvcRef;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one step of a plan ended.
 *
 * @param pvc       the step's claim (its id)
 * @param outcome   how it ended
 * @param bind      what the binder did, when it ran to the end
 * @param detail    a human explanation: the inspection's finding, or the error message
 * @param errorType simple name of the exception class for failures (e.g. {@code ConflictException}), else empty
 * @param error     the exception, for failures and cancellations (not serialised)
 * @param elapsed   wall time spent on the step
 */
public record StepResult(PvcRef pvc, StepOutcome outcome, Optional<BindResult> bind, String detail,
                         Optional<String> errorType, Optional<Throwable> error, Duration elapsed) {

    /** How a step ended. */
    public enum StepOutcome {
        /** Restored by this run (volume, PV and, if asked, PVC created). */
        RESTORED,
        /** Finished by this run after an earlier run had started it. */
        RESUMED,
        /** Found complete and matching; nothing changed. */
        ADOPTED,
        /** Not run: the pre-flight check found a conflict, or the plan skipped it. */
        SKIPPED,
        /** Failed with an error (see {@link StepResult#error()}); other steps went on. */
        FAILED,
        /** Cancelled before or while running. */
        CANCELLED;

        /** Whether the claim's data is in place after this outcome. */
        public boolean isSuccess() {
            return this == RESTORED || this == RESUMED || this == ADOPTED;
        }
    }

    /** Validates. */
    public StepResult {
        Objects.requireNonNull(pvc, "pvc");
        Objects.requireNonNull(outcome, "outcome");
        bind = Objects.requireNonNullElse(bind, Optional.empty());
        detail = Objects.requireNonNullElse(detail, "");
        errorType = Objects.requireNonNullElse(errorType, Optional.empty());
        error = Objects.requireNonNullElse(error, Optional.empty());
        elapsed = Objects.requireNonNullElse(elapsed, Duration.ZERO);
    }

    /** The step id ({@code namespace/name}). */
    public String id() {
        return pvc.toString();
    }
}
