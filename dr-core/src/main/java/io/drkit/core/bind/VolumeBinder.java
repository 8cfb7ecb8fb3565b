package io.drkit.core.bind;

import io.drkit.core.plan.RestoreStep;
import io.drkit.core.plan.StepRules;

/**
 * Makes one plan step so in a cluster: the third stage of the pipeline. For a step it creates the Longhorn volume
 * from the backup, waits for the restore with progress and a timeout, creates the PV pre-bound to the claim (and the
 * claim itself when the step asks), adopts what already exists when it matches, and refuses with a
 * {@link io.drkit.core.ConflictException} otherwise, changing nothing.
 *
 * <p>Every binder is the one step engine over a backend's {@link StepOperations}: Longhorn's REST API
 * ({@code dr-longhorn}), its CRDs ({@code dr-kubernetes}), or {@code io.drkit.core.testing.InMemoryVolumeBinder}, which
 * simulates a cluster. Binders are thread-safe (the executor runs several steps at once) and idempotent: binding again
 * after a crash continues where it stopped. The executor {@link #read reads} a step's state once, derives the
 * pre-flight {@link StepInspection} from it and hands the same state to {@link #bind(RestoreStep, StepState,
 * BindContext)}.
 */
public interface VolumeBinder extends AutoCloseable {

    /** A short description of the target cluster, safe to print. */
    String describe();

    /** Reads what exists for {@code step}, once, without changing anything. */
    StepState read(RestoreStep step);

    /**
     * Checks {@code step} against {@link StepRules}, reports {@link BindPhase#PREFLIGHT} and {@link #read reads} its
     * state: what the executor does right before each step.
     *
     * @throws io.drkit.core.InvalidInputException when the step breaks a rule (nothing is read)
     */
    default StepState preflight(RestoreStep step, BindContext ctx) {
        StepRules.require(step);
        ctx.phase(BindPhase.PREFLIGHT, "checking volume " + step.volumeName() + ", PV " + step.pvName() + " and claim "
                + step.id());
        return read(step);
    }

    /** Looks at what exists for {@code step} without changing anything. */
    default StepInspection inspect(RestoreStep step) {
        return StepInspection.of(step, read(step));
    }

    /**
     * Carries out {@code step} from {@code state} (read by this binder for this step, right before): create or adopt
     * the volume, wait for the restore, create or adopt the PV (and claim).
     *
     * @throws io.drkit.core.ConflictException     when something of the same name exists and does not match
     * @throws io.drkit.core.InvalidInputException when the step breaks a rule of {@link StepRules}
     * @throws io.drkit.core.DrTimeoutException    when the context's deadline passes
     * @throws io.drkit.core.CancelledException    when the context is cancelled
     * @throws io.drkit.core.UnavailableException  when the backend cannot be reached
     */
    BindResult bind(RestoreStep step, StepState state, BindContext ctx);

    /** {@link #preflight} and {@link #bind(RestoreStep, StepState, BindContext) bind}: one step, start to end. */
    default BindResult bind(RestoreStep step, BindContext ctx) {
        return bind(step, preflight(step, ctx), ctx);
    }

    /** Releases what this binder created; idempotent; never closes clients the caller passed in. */
    @Override
    void close();
}
