package io.drkit.core.cluster;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Longhorn volume that already exists in the cluster.
 *
 * @param name       volume name
 * @param fromBackup the backup URL it was restored from, if any
 * @param size       size in bytes
 * @param state      Longhorn state ({@code creating}, {@code attached}, {@code detached}, ...)
 * @param labels     the volume's labels (recurring-job labels among them)
 */
public record LonghornVolumeInfo(String name, Optional<String> fromBackup, long size, String state,
                                 Map<String, String> labels) {
    /** Copies and replaces nulls. */
    public LonghornVolumeInfo {
        Objects.requireNonNull(name, "name");
        fromBackup = Objects.requireNonNullElse(fromBackup, Optional.<String>empty()).filter(s -> !s.isEmpty());
        state = Objects.requireNonNullElse(state, "");
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNullElse(labels, Map.of())));
    }
}
