package io.drkit.core.bind;

import io.drkit.core.ConflictException;
import io.drkit.core.plan.RestoreStep;
import io.drkit.core.plan.StepRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one restore-step engine: from a step's {@link StepState} it runs the phases volume → restore → PV → claim over a
 * backend's {@link StepOperations}, keeps the action log and the created/adopted bookkeeping, refuses conflicts, and
 * decides the outcome by one rule: nothing created is {@link StepOutcome#ADOPTED}, something created next to
 * something found is {@link StepOutcome#RESUMED}, everything created is {@link StepOutcome#RESTORED}.
 *
 * <ol>
 *   <li>The step must obey {@link StepRules} (a plan that lacks what a backend needs is invalid input), and nothing of
 *       its names may conflict: a {@link ConflictException} then, with nothing changed.</li>
 *   <li>Volume: missing, the backend first makes sure it knows the backup, then creates it; existing (from the same
 *       backup, or it would conflict), it is adopted and brought in line.</li>
 *   <li>Restore: waited for when the volume was created or is not restored yet.</li>
 *   <li>PV: created when missing; an existing one not ready for the claim is prepared (reserved or waited for);
 *       a ready one adopted.</li>
 *   <li>Claim, when the step asks: created when missing, else adopted.</li>
 * </ol>
 * Between phases the context's deadline and cancellation are checked. Stateless.
 */
final class StepEngine {
    private static final Logger LOG = LoggerFactory.getLogger(StepEngine.class);

    private StepEngine() {
    }

    static <S extends StepState> BindResult run(StepOperations<S> ops, RestoreStep step, StepState state,
                                                BindContext ctx) {
        Objects.requireNonNull(ctx, "context");
        StepRules.require(step);
        if (!ops.stateType().isInstance(state)) {
            throw new IllegalArgumentException("step " + step.id() + ": the state handed to " + ops.describe()
                    + " was not read by it (" + (state == null ? "null" : state.getClass().getName()) + ")");
        }
        S s = ops.stateType().cast(state);
        Optional<String> conflict = s.conflict();
        if (conflict.isPresent()) {
            throw new ConflictException(step.id() + ": " + conflict.get() + "; nothing was changed");
        }
        ctx.checkpoint("pre-flight of " + step.id());
        Log log = new Log();
        String volume = step.volumeName();
        String backup = step.backup().name();

        // 1. the Longhorn volume
        boolean restore;
        if (s.volume() == StepState.VolumeFinding.ABSENT) {
            ops.ensureBackupKnown(step, ctx);
            ctx.phase(BindPhase.CREATE_VOLUME, "creating Longhorn volume " + volume + " from backup " + backup);
            log.record(ops.createVolume(step, ctx), "created volume " + volume + " from backup " + backup,
                    "adopted volume " + volume + " created concurrently from the same backup");
            restore = true;
        } else {
            ctx.phase(BindPhase.CREATE_VOLUME, "volume " + volume + " exists, restored from backup " + backup);
            log.adopted("adopted volume " + volume);
            ops.adoptVolume(step, s, ctx).forEach(log::changed);
            restore = s.volume() != StepState.VolumeFinding.RESTORED;
        }

        // 2. the restore
        if (restore) {
            ctx.phase(BindPhase.RESTORING, "restoring volume " + volume + " from backup " + backup);
            s = ops.awaitRestore(step, s, ctx);
            log.note("restored volume " + volume);
        }
        ctx.checkpoint("restore of " + step.id());

        // 3. the PV
        String pv = step.pvName();
        switch (s.pv()) {
            case ABSENT -> {
                ctx.phase(BindPhase.CREATE_PV, "creating PV " + pv + " for " + step.id());
                log.record(ops.createPv(step, s, ctx), "created PV " + pv + " for " + step.id(),
                        "adopted PV " + pv + " created concurrently");
            }
            case NOT_READY -> {
                ctx.phase(BindPhase.CREATE_PV, "PV " + pv + " exists; making it ready for " + step.id());
                if (ops.preparePv(step, s, ctx)) {
                    log.adopted("reserved existing PV " + pv + " for " + step.id());
                    log.created = true;
                } else {
                    log.adopted("adopted PV " + pv);
                }
            }
            case READY -> {
                ctx.phase(BindPhase.CREATE_PV, "PV " + pv + " exists for " + step.id());
                log.adopted("adopted PV " + pv);
            }
        }

        // 4. the claim, when asked
        boolean pvcCreated = false;
        if (step.createPvc()) {
            if (s.claimExists()) {
                ctx.phase(BindPhase.CREATE_PVC, "claim " + step.id() + " exists");
                log.adopted("adopted claim " + step.id());
            } else {
                ctx.phase(BindPhase.CREATE_PVC, "creating claim " + step.id() + " bound to PV " + pv);
                Creation c = ops.createPvc(step, s, ctx);
                pvcCreated = c.created();
                log.record(c, "created claim " + step.id() + " bound to PV " + pv,
                        "adopted claim " + step.id() + " created concurrently");
            }
        }
        ctx.phase(BindPhase.DONE, String.join("; ", log.actions));
        StepOutcome outcome = !log.created ? StepOutcome.ADOPTED : log.adopted ? StepOutcome.RESUMED : StepOutcome.RESTORED;
        LOG.debug("step {} {}: {}", step.id(), outcome, log.actions);
        return new BindResult(outcome, volume, pv, pvcCreated, log.actions);
    }

    /** The action log and the bookkeeping behind the outcome. */
    private static final class Log {
        final List<String> actions = new ArrayList<>();
        boolean created;
        boolean adopted;

        void record(Creation c, String createdText, String foundText) {
            if (c.created()) {
                changed(c.note().isEmpty() ? createdText : createdText + " (" + c.note() + ")");
            } else {
                adopted(foundText);
            }
        }

        void changed(String action) {
            created = true;
            actions.add(action);
        }

        void adopted(String action) {
            adopted = true;
            actions.add(action);
        }

        void note(String action) {
            actions.add(action);
        }
    }
}
