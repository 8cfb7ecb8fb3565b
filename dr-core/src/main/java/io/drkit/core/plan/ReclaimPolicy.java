package io.drkit.core.plan;

/** The {@code persistentVolumeReclaimPolicy} of restored PVs. */
public enum ReclaimPolicy {
    /** Keep the Longhorn volume when the claim is deleted (default: restored data is precious). */
    RETAIN("Retain"),
    /** Delete the Longhorn volume when the claim is deleted. */
    DELETE("Delete");

    private final String kubernetesName;

    ReclaimPolicy(String kubernetesName) {
        this.kubernetesName = kubernetesName;
    }

    /** The Kubernetes spelling: {@code Retain} or {@code Delete}. */
    public String kubernetesName() {
        return kubernetesName;
    }

    /** Parses {@code Retain}/{@code Delete}, case-insensitively. */
    public static ReclaimPolicy parse(String s) {
        for (ReclaimPolicy p : values()) {
            if (p.kubernetesName.equalsIgnoreCase(s) || p.name().equalsIgnoreCase(s)) {
                return p;
            }
        }
        throw new io.drkit.core.InvalidInputException("unknown reclaim policy '" + s + "' (expected Retain or Delete)");
    }
}
