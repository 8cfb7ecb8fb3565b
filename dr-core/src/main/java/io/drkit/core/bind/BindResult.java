package io.drkit.core.bind;

import java.util.List;
import java.util.Objects;

/**
 * What a binder did for one step.
 *
 * @param outcome    restored from scratch, resumed after a partial earlier run, or adopted as already complete
 * @param volumeName the Longhorn volume
 * @param pvName     the PersistentVolume
 * @param pvcCreated whether the claim was created
 * @param actions    what was done, in order (e.g. "created volume pvc-1 from backup-2", "adopted PV pvc-1")
 */
public record BindResult(Outcome outcome, String volumeName, String pvName, boolean pvcCreated, List<String> actions) {

    /** How the step ended. */
    public enum Outcome {
        /** Everything was created by this run. */
        RESTORED,
        /** An earlier, interrupted run had started it; this run finished it without restoring twice. */
        RESUMED,
        /** Everything already existed and matched; nothing was changed. */
        ADOPTED
    }

    /** Validates and copies. */
    public BindResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(volumeName, "volumeName");
        Objects.requireNonNull(pvName, "pvName");
        actions = List.copyOf(Objects.requireNonNullElse(actions, List.of()));
    }
}
