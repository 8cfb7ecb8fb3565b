package io.drkit.core.execute;

import io.drkit.core.bind.BindListener;
import io.drkit.core.plan.RestorePlan;
import io.drkit.core.plan.RestoreStep;

/**
 * Receives the progress of a plan's execution (the CLI draws progress bars from it). Methods have no-op defaults,
 * must be fast and must not throw; they are called from worker threads, several at once.
 */
public interface ExecutionListener extends BindListener {
    /** A listener that ignores everything. */
    ExecutionListener NONE = new ExecutionListener() { };

    /** Execution of {@code plan} started. */
    default void planStarted(RestorePlan plan) {
    }

    /** A step started (after its slot in the parallelism limit became free). */
    default void stepStarted(RestoreStep step) {
    }

    /** A step ended. */
    default void stepFinished(RestoreStep step, StepResult result) {
    }

    /** Execution ended. */
    default void planFinished(ExecutionReport report) {
    }
}
