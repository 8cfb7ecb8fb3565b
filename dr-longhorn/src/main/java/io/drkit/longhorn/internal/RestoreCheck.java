package io.drkit.longhorn.internal;

import io.drkit.longhorn.LonghornVolume;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The completion test for a volume restored from a backup, as Longhorn's own controller and tests decide it
 * (reference note §4.2): the restore is <b>done</b> once {@code restoreRequired} is false and the volume detached
 * again after its automatic restore attachment, without being faulted, and (where the REST API reports it, 1.5+)
 * {@code restoreInitiated} is true. It has <b>failed</b> when the volume is faulted or its {@code Restore} condition
 * says {@code RestoreFailure}.
 */
public final class RestoreCheck {
    private RestoreCheck() {
    }

    /** Where a restore stands. */
    public enum Phase {
        /** Longhorn has not initialised the restore yet (state empty or {@code creating}). */
        NOT_INITIATED,
        /** Attaching, restoring or detaching. */
        RESTORING,
        /** Finished; the volume can get its PV. */
        DONE,
        /** Failed for good. */
        FAILED
    }

    /**
     * The evaluation of one poll.
     *
     * @param phase        where the restore stands
     * @param fraction     progress in [0, 1], or -1 when unknown
     * @param detail       a human description for progress listeners and errors
     * @param replicaError the replicas' restore error, when every replica reports one (may be transient)
     */
    public record Result(Phase phase, double fraction, String detail, String replicaError) {
    }

    /** Evaluates {@code v}. */
    public static Result evaluate(LonghornVolume v) {
        if (v.restoreFailed()) {
            String why = v.restoreCondition().map(c -> c.reason() + (c.message().isEmpty() ? "" : ": " + c.message()))
                    .orElse("");
            return new Result(Phase.FAILED, -1, "volume " + v.name() + " is " + (v.isFaulted() ? "faulted" : "not restorable")
                    + (why.isEmpty() ? "" : " (" + why + ")"), "");
        }
        String state = v.state().toLowerCase(Locale.ROOT);
        if (state.isEmpty() || state.equals("creating") || v.restoreInitiated().map(b -> !b).orElse(false)) {
            return new Result(Phase.NOT_INITIATED, -1, "volume " + v.name() + (state.isEmpty()
                    ? " has no state yet: Longhorn has not initialised the restore"
                    : " is " + state + ": Longhorn is initialising the restore"), "");
        }
        boolean inUse = state.equals("attached") && "Bound".equals(v.kubernetesStatus().pvStatus());
        if (!v.restoreRequired() && (state.equals("detached") || inUse)) {
            return new Result(Phase.DONE, 1.0, "volume " + v.name() + " restored (" + state + ")", "");
        }
        String replicaError = "";
        if (!v.restoreStatus().isEmpty() && v.restoreStatus().stream().allMatch(r -> !r.error().isEmpty())) {
            replicaError = v.restoreStatus().stream().map(r -> r.replica() + ": " + r.error()).distinct()
                    .collect(Collectors.joining("; "));
        }
        double fraction = v.restoreProgress().orElse(-1);
        String detail = "volume " + v.name() + " " + state
                + (v.restoreRequired() ? ", restoring" : ", restore finished, waiting for detach")
                + (fraction >= 0 ? " " + Math.round(fraction * 100) + "% (" + v.restoreStatus().size() + " replica"
                + (v.restoreStatus().size() == 1 ? "" : "s") + ")" : "");
        return new Result(Phase.RESTORING, v.restoreRequired() ? fraction : 1.0, detail, replicaError);
    }
}
