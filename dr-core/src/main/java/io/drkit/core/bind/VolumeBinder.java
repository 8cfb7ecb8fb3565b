package io.drkit.core.bind;

import io.drkit.core.plan.RestoreStep;

/**
 * Makes one plan step so in a cluster: the third stage of the pipeline. For a step it creates the Longhorn volume
 * from the backup, waits for the restore with progress and a timeout, creates the PV pre-bound to the claim (and the
 * claim itself when the step asks), adopts what already exists when it matches, and refuses with a
 * {@link io.drkit.core.ConflictException} otherwise, changing nothing.
 *
 * <p>Implementations drive Longhorn's REST API ({@code dr-longhorn}) or its CRDs ({@code dr-kubernetes});
 * {@code io.drkit.core.testing.InMemoryVolumeBinder} simulates a cluster. Binders are thread-safe (the executor runs
 * several steps at once) and idempotent: calling {@link #bind} again after a crash continues where it stopped.
 */
public interface VolumeBinder extends AutoCloseable {

    /** A short description of the target cluster, safe to print. */
    String describe();

    /**
     * Looks at what exists for {@code step} without changing anything. The executor calls it right before each step.
     */
    StepInspection inspect(RestoreStep step);

    /**
     * Carries out {@code step}: create or adopt the volume, wait for the restore, create or adopt the PV (and PVC).
     *
     * @throws io.drkit.core.ConflictException    when something of the same name exists and does not match
     * @throws io.drkit.core.DrTimeoutException   when the context's deadline passes
     * @throws io.drkit.core.CancelledException   when the context is cancelled
     * @throws io.drkit.core.UnavailableException when the backend cannot be reached
     */
    BindResult bind(RestoreStep step, BindContext context);

    /** Releases what this binder created; idempotent; never closes clients the caller passed in. */
    @Override
    void close();
}
