package io.drkit.core.cluster;

import io.drkit.core.model.PvcRef;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the planner needs to know about one PersistentVolumeClaim in the live cluster.
 *
 * @param ref              namespace and name
 * @param labels           the claim's labels (for selectors such as {@code data-tier=critical})
 * @param phase            {@code Pending}, {@code Bound} or {@code Lost}
 * @param storageClassName the claim's {@code spec.storageClassName}, if set
 * @param requestedBytes   {@code spec.resources.requests.storage} in bytes
 * @param accessModes      {@code spec.accessModes}, e.g. {@code ReadWriteOnce}
 * @param volumeName       {@code spec.volumeName}: the PV it is bound (or pre-bound) to, if set
 */
public record PvcInfo(PvcRef ref, Map<String, String> labels, String phase, Optional<String> storageClassName,
                      long requestedBytes, List<String> accessModes, Optional<String> volumeName) {
    /** Copies and replaces nulls. */
    public PvcInfo {
        Objects.requireNonNull(ref, "ref");
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNullElse(labels, Map.of())));
        phase = Objects.requireNonNullElse(phase, "Pending");
        storageClassName = Objects.requireNonNullElse(storageClassName, Optional.<String>empty()).filter(s -> !s.isEmpty());
        accessModes = List.copyOf(Objects.requireNonNullElse(accessModes, List.of()));
        volumeName = Objects.requireNonNullElse(volumeName, Optional.<String>empty()).filter(s -> !s.isEmpty());
    }

    /** Whether the claim is bound to a volume. */
    public boolean isBound() {
        return "Bound".equals(phase);
    }
}
