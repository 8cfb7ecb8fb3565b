package io.drkit.core.bind;

import java.util.List;
import java.util.Objects;

/**
 * What the step engine did for one step that ended with its data in place.
 *
 * @param outcome    {@link StepOutcome#RESTORED}, {@link StepOutcome#RESUMED} or {@link StepOutcome#ADOPTED}
 * @param volumeName the Longhorn volume
 * @param pvName     the PersistentVolume
 * @param pvcCreated whether the claim was created
 * @param actions    what was done, in order (e.g. "created volume pvc-1 from backup backup-2", "adopted PV pvc-1")
 */
public record BindResult(StepOutcome outcome, String volumeName, String pvName, boolean pvcCreated, List<String> actions) {

    /** Validates and copies. */
    public BindResult {
        Objects.requireNonNull(outcome, "outcome");
        if (!outcome.isSuccess()) {
            throw new IllegalArgumentException("a bind result is restored, resumed or adopted, not " + outcome);
        }
        Objects.requireNonNull(volumeName, "volumeName");
        Objects.requireNonNull(pvName, "pvName");
        actions = List.copyOf(Objects.requireNonNullElse(actions, List.of()));
    }
}
