package io.drkit.core.model;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * A volume access mode, with both spellings in one place: Kubernetes' ({@code ReadWriteOnce}, on PVs and claims and in
 * plan documents) and Longhorn's ({@code rwo}, on volumes and in the {@code longhorn.io/volume-access-mode} label of
 * backups).
 */
public enum AccessMode {
    /** One node reads and writes ({@code ReadWriteOnce}, Longhorn {@code rwo}). */
    READ_WRITE_ONCE("ReadWriteOnce", "rwo"),
    /** One pod reads and writes ({@code ReadWriteOncePod}, Longhorn {@code rwop}). */
    READ_WRITE_ONCE_POD("ReadWriteOncePod", "rwop"),
    /** Many nodes read and write ({@code ReadWriteMany}, Longhorn {@code rwx}). */
    READ_WRITE_MANY("ReadWriteMany", "rwx"),
    /** Many nodes read ({@code ReadOnlyMany}); Longhorn has no volume mode of its own for it. */
    READ_ONLY_MANY("ReadOnlyMany", "");

    private final String kubernetesName;
    private final String longhornName;

    AccessMode(String kubernetesName, String longhornName) {
        this.kubernetesName = kubernetesName;
        this.longhornName = longhornName;
    }

    /** Kubernetes' spelling, e.g. {@code ReadWriteOnce}. */
    public String kubernetesName() {
        return kubernetesName;
    }

    /** Longhorn's spelling, e.g. {@code rwo}; {@code ""} for {@link #READ_ONLY_MANY}. */
    public String longhornName() {
        return longhornName;
    }

    /** The mode Kubernetes spells {@code name} ({@code ReadWriteOnce}, ...), if it is one. */
    public static Optional<AccessMode> fromKubernetes(String name) {
        for (AccessMode m : values()) {
            if (m.kubernetesName.equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** The mode Longhorn spells {@code name} ({@code rwo}, {@code rwop}, {@code rwx}; any case), if it is one. */
    public static Optional<AccessMode> fromLonghorn(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (AccessMode m : values()) {
            if (!m.longhornName.isEmpty() && m.longhornName.equals(n)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * The Longhorn volume mode for a PV that offers {@code pvModes}: {@link #READ_WRITE_MANY} when one of them lets
     * many nodes write, else {@link #READ_WRITE_ONCE}. {@code ReadWriteOncePod} maps to {@code rwo} as well: Kubernetes
     * enforces it on the PV and claim, and Longhorn's Volume accepts only {@code rwo} and {@code rwx} before 1.11.
     */
    public static AccessMode longhornVolumeMode(Collection<AccessMode> pvModes) {
        return pvModes.contains(READ_WRITE_MANY) ? READ_WRITE_MANY : READ_WRITE_ONCE;
    }
}
