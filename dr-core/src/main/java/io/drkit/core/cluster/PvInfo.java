package io.drkit.core.cluster;

import io.drkit.core.model.PvcRef;
import java.util.Objects;
import java.util.Optional;

/**
 * What the planner needs to know about one PersistentVolume in the live cluster.
 *
 * @param name             PV name
 * @param claimRef         the claim it is bound or reserved for, if any
 * @param csiDriver        {@code spec.csi.driver}, e.g. {@code driver.longhorn.io}
 * @param volumeHandle     {@code spec.csi.volumeHandle}: the Longhorn volume name for Longhorn PVs
 * @param phase            {@code Available}, {@code Bound}, {@code Released}, {@code Failed}
 * @param storageClassName {@code spec.storageClassName}, if set
 * @param capacityBytes    {@code spec.capacity.storage} in bytes
 */
public record PvInfo(String name, Optional<PvcRef> claimRef, Optional<String> csiDriver, Optional<String> volumeHandle,
                     String phase, Optional<String> storageClassName, long capacityBytes) {
    /** Replaces nulls. */
    public PvInfo {
        Objects.requireNonNull(name, "name");
        claimRef = Objects.requireNonNullElse(claimRef, Optional.empty());
        csiDriver = Objects.requireNonNullElse(csiDriver, Optional.<String>empty()).filter(s -> !s.isEmpty());
        volumeHandle = Objects.requireNonNullElse(volumeHandle, Optional.<String>empty()).filter(s -> !s.isEmpty());
        phase = Objects.requireNonNullElse(phase, "");
        storageClassName = Objects.requireNonNullElse(storageClassName, Optional.<String>empty()).filter(s -> !s.isEmpty());
    }

    /** Whether this PV is a Longhorn CSI volume. */
    public boolean isLonghorn() {
        return csiDriver.map(d -> d.equals("driver.longhorn.io") || d.equals("io.rancher.longhorn")).orElse(false);
    }
}
