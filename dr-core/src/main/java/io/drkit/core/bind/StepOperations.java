package io.drkit.core.bind;

import io.drkit.core.plan.RestoreStep;
import java.util.List;

/**
 * What a backend supplies for restore steps: the narrow operations under the one step engine. The engine (reached
 * through {@link #bind(RestoreStep, StepState, BindContext)}) decides what to do from the {@link StepState} read
 * once, runs the phases, checkpoints and action log, and decides the outcome; a backend only reads and creates.
 *
 * <p>Contract of every operation: it changes nothing that does not belong to the step, throws a
 * {@link io.drkit.core.ConflictException} (changing nothing) when it finds something of the step's names that does
 * not match, translates backend errors into dr-core exceptions naming the object, waits only through {@code ctx}
 * ({@link BindContext#await}, {@link BindContext#sleep}, {@link BindContext#checkpoint}) so that deadlines and
 * cancellation apply, and reports progress of long waits on {@code ctx}. Implementations are thread-safe (the
 * executor runs several steps at once); the contract tests ({@code StepOperationsContractTest} in dr-core's
 * test-jar) pin this down per backend.
 *
 * @param <S> the backend's state of one step
 */
public interface StepOperations<S extends StepState> extends VolumeBinder {

    /** The class of this backend's states: a state handed to {@link #bind} must have been read by this backend. */
    Class<S> stateType();

    /** Reads everything the step's decisions need, once, without changing anything. */
    @Override
    S read(RestoreStep step);

    /**
     * Returns at once when the backend knows the step's backup (it must before it restores from it); otherwise reports
     * {@link BindPhase#WAIT_FOR_BACKUP} on {@code ctx}, asks the backend to sync where it can, and waits, bounded.
     *
     * @throws io.drkit.core.DrTimeoutException   when the backend did not learn the backup in time
     * @throws io.drkit.core.UnavailableException when the backup target is missing or unavailable
     */
    void ensureBackupKnown(RestoreStep step, BindContext ctx);

    /**
     * Creates the step's Longhorn volume from its backup, with the step's size, replicas, access mode, data engine and
     * recurring-job groups and jobs.
     *
     * @return created, or found concurrently (an identical volume from the same backup appeared meanwhile)
     */
    Creation createVolume(RestoreStep step, BindContext ctx);

    /**
     * Brings an existing volume of the step (from the same backup) in line with the step where the backend can, for
     * example by adding the recurring-job selectors it lacks. Returns what it changed, one line each; nothing by
     * default.
     */
    default List<String> adoptVolume(RestoreStep step, S state, BindContext ctx) {
        return List.of();
    }

    /**
     * Waits until the restore of the step's volume has finished, reporting progress, and returns the state with the
     * volume as it is then.
     *
     * @throws io.drkit.core.DrException when the restore failed (the message says what to do)
     */
    S awaitRestore(RestoreStep step, S state, BindContext ctx);

    /**
     * Creates the step's PV for its restored volume (pre-bound to the claim where the backend can) and returns once it
     * is ready for the claim.
     *
     * @return created (with a note the action log shows), or found concurrently
     */
    Creation createPv(RestoreStep step, S state, BindContext ctx);

    /**
     * Makes the step's existing PV ({@link StepState.PvFinding#NOT_READY}) ready for the claim: reserves it for the
     * claim where the backend can, or waits until the backend reports it ready.
     *
     * @return whether it changed the PV (true) or only waited (false)
     */
    boolean preparePv(RestoreStep step, S state, BindContext ctx);

    /**
     * Creates the step's claim, bound to its PV (only called when the step asks for it and the claim is missing).
     *
     * @return created, or found concurrently (a claim that binds to the PV appeared meanwhile)
     */
    Creation createPvc(RestoreStep step, S state, BindContext ctx);

    /** Runs the step through the one step engine over these operations, from {@code state}. */
    @Override
    default BindResult bind(RestoreStep step, StepState state, BindContext ctx) {
        return StepEngine.run(this, step, state, ctx);
    }
}
