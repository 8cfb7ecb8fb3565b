package io.drkit.core.cluster;

import io.drkit.core.model.PvcRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the planner knows about the live cluster: PVCs, PVs and existing Longhorn volumes. An
 * {@linkplain #offline() offline} state (no cluster) plans from backups alone.
 *
 * @param online  whether this state was read from a cluster (false: nothing is known, nothing is checked)
 * @param pvcs    claims, sorted by reference
 * @param pvs     persistent volumes, sorted by name
 * @param volumes Longhorn volumes, sorted by name
 */
public record ClusterState(boolean online, List<PvcInfo> pvcs, List<PvInfo> pvs, List<LonghornVolumeInfo> volumes) {

    /** Copies and sorts. */
    public ClusterState {
        pvcs = sorted(pvcs, Comparator.comparing(PvcInfo::ref));
        pvs = sorted(pvs, Comparator.comparing(PvInfo::name));
        volumes = sorted(volumes, Comparator.comparing(LonghornVolumeInfo::name));
    }

    private static <T> List<T> sorted(List<T> in, Comparator<T> c) {
        List<T> l = new ArrayList<>(Objects.requireNonNullElse(in, List.of()));
        l.sort(c);
        return Collections.unmodifiableList(l);
    }

    /** No cluster: plan from backups alone. */
    public static ClusterState offline() {
        return new ClusterState(false, List.of(), List.of(), List.of());
    }

    /** A builder for an online state. */
    public static Builder builder() {
        return new Builder();
    }

    /** The claim {@code ref}, if it exists. */
    public Optional<PvcInfo> findPvc(PvcRef ref) {
        return pvcs.stream().filter(p -> p.ref().equals(ref)).findFirst();
    }

    /** The PV named {@code name}, if it exists. */
    public Optional<PvInfo> findPv(String name) {
        return pvs.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The Longhorn PV whose volume handle is {@code volumeName}, if any. */
    public Optional<PvInfo> findPvForVolume(String volumeName) {
        return pvs.stream().filter(p -> p.volumeHandle().map(volumeName::equals).orElse(false)).findFirst();
    }

    /** The Longhorn volume named {@code name}, if it exists. */
    public Optional<LonghornVolumeInfo> findVolume(String name) {
        return volumes.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /** Builds online {@link ClusterState}s (used by backends and tests). */
    public static final class Builder {
        private final Map<PvcRef, PvcInfo> pvcs = new TreeMap<>();
        private final Map<String, PvInfo> pvs = new TreeMap<>();
        private final Map<String, LonghornVolumeInfo> volumes = new TreeMap<>();

        private Builder() {
        }

        /** Adds or replaces a claim. */
        public Builder pvc(PvcInfo pvc) {
            pvcs.put(pvc.ref(), pvc);
            return this;
        }

        /** Adds or replaces a PV. */
        public Builder pv(PvInfo pv) {
            pvs.put(pv.name(), pv);
            return this;
        }

        /** Adds or replaces a Longhorn volume. */
        public Builder volume(LonghornVolumeInfo v) {
            volumes.put(v.name(), v);
            return this;
        }

        /** Builds an online state. */
        public ClusterState build() {
            return new ClusterState(true, new ArrayList<>(pvcs.values()), new ArrayList<>(pvs.values()),
                    new ArrayList<>(volumes.values()));
        }
    }
}
