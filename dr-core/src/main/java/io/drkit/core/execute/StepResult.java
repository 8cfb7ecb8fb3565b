package io.drkit.core.execute;

import io.drkit.core.CancelledException;
import io.drkit.core.ConflictException;
import io.drkit.core.DrException;
import io.drkit.core.bind.BindResult;
import io.drkit.core.bind.StepOutcome;
import io.drkit.core.model.PvcRef;
import io.drkit.core.util.Errors;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How one step of a plan ended: {@link Succeeded} (restored, resumed or adopted, with what the step engine did),
 * {@link Skipped} (a pre-flight conflict), {@link Failed} or {@link Cancelled}.
 */
public sealed interface StepResult permits StepResult.Succeeded, StepResult.Skipped, StepResult.Failed,
        StepResult.Cancelled {

    /** The step's claim (its id). */
    PvcRef pvc();

    /** How it ended. */
    StepOutcome outcome();

    /** A human explanation: the pre-flight's finding, what was done, or the error message. */
    String detail();

    /** Wall time spent on the step. */
    Duration elapsed();

    /** The step id ({@code namespace/name}). */
    default String id() {
        return pvc().toString();
    }

    /** What the step engine did, when the step succeeded. */
    default Optional<BindResult> bind() {
        return Optional.empty();
    }

    /** The simple name of the exception class for steps that did not succeed (e.g. {@code ConflictException}). */
    default Optional<String> errorType() {
        return Optional.empty();
    }

    /** The exception, for steps that did not succeed (not serialised). */
    default Optional<Throwable> error() {
        return Optional.empty();
    }

    /**
     * The step ended with the claim's data in place.
     *
     * @param pvc     the claim
     * @param result  what the step engine did; its outcome is this step's
     * @param detail  the pre-flight's finding, or what was done
     * @param elapsed wall time
     */
    record Succeeded(PvcRef pvc, BindResult result, String detail, Duration elapsed) implements StepResult {
        /** Validates. */
        public Succeeded {
            Objects.requireNonNull(pvc, "pvc");
            Objects.requireNonNull(result, "result");
            detail = Objects.requireNonNullElse(detail, "");
            elapsed = Objects.requireNonNullElse(elapsed, Duration.ZERO);
        }

        @Override
        public StepOutcome outcome() {
            return result.outcome();
        }

        @Override
        public Optional<BindResult> bind() {
            return Optional.of(result);
        }
    }

    /**
     * The step was not run: the pre-flight found something of its names that does not match; nothing was changed.
     *
     * @param pvc      the claim
     * @param conflict what was found
     * @param detail   the explanation
     * @param elapsed  wall time
     */
    record Skipped(PvcRef pvc, ConflictException conflict, String detail, Duration elapsed) implements StepResult {
        /** Validates. */
        public Skipped {
            Objects.requireNonNull(pvc, "pvc");
            Objects.requireNonNull(conflict, "conflict");
            detail = Objects.requireNonNullElse(detail, "");
            elapsed = Objects.requireNonNullElse(elapsed, Duration.ZERO);
        }

        @Override
        public StepOutcome outcome() {
            return StepOutcome.SKIPPED;
        }

        @Override
        public Optional<String> errorType() {
            return Optional.of(ConflictException.class.getSimpleName());
        }

        @Override
        public Optional<Throwable> error() {
            return Optional.of(conflict);
        }
    }

    /**
     * The step failed with an error; other steps went on.
     *
     * @param pvc     the claim
     * @param cause   the error
     * @param elapsed wall time
     */
    record Failed(PvcRef pvc, Throwable cause, Duration elapsed) implements StepResult {
        /** Validates. */
        public Failed {
            Objects.requireNonNull(pvc, "pvc");
            Objects.requireNonNull(cause, "cause");
            elapsed = Objects.requireNonNullElse(elapsed, Duration.ZERO);
        }

        @Override
        public StepOutcome outcome() {
            return StepOutcome.FAILED;
        }

        /** The error's message; when it has none, the kind of error in words ({@link Errors#describe}). */
        @Override
        public String detail() {
            return Errors.describe(cause);
        }

        /** The dr-core exception's simple name, or {@code UnexpectedError} for anything else. */
        @Override
        public Optional<String> errorType() {
            return Optional.of(cause instanceof DrException ? cause.getClass().getSimpleName() : "UnexpectedError");
        }

        @Override
        public Optional<Throwable> error() {
            return Optional.of(cause);
        }
    }

    /**
     * The step was cancelled before or while running.
     *
     * @param pvc     the claim
     * @param cause   the cancellation, naming why
     * @param elapsed wall time
     */
    record Cancelled(PvcRef pvc, CancelledException cause, Duration elapsed) implements StepResult {
        /** Validates. */
        public Cancelled {
            Objects.requireNonNull(pvc, "pvc");
            Objects.requireNonNull(cause, "cause");
            elapsed = Objects.requireNonNullElse(elapsed, Duration.ZERO);
        }

        @Override
        public StepOutcome outcome() {
            return StepOutcome.CANCELLED;
        }

        @Override
        public String detail() {
            return cause.getMessage();
        }

        @Override
        public Optional<String> errorType() {
            return Optional.of(CancelledException.class.getSimpleName());
        }

        @Override
        public Optional<Throwable> error() {
            return Optional.of(cause);
        }
    }
}
