package io.drkit.kubernetes;

import io.drkit.core.InvalidInputException;
import io.drkit.core.cluster.ClusterState;
import io.drkit.core.cluster.LonghornVolumeInfo;
import io.drkit.core.cluster.PvInfo;
import io.drkit.core.cluster.PvcInfo;
import io.drkit.core.model.PvcRef;
import io.drkit.kubernetes.internal.ClientHandle;
import io.drkit.kubernetes.internal.Cr;
import io.drkit.kubernetes.internal.KubeErrors;
import io.drkit.kubernetes.internal.Longhorn;
import io.drkit.kubernetes.internal.Quantities;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads what the planner needs to know about a live cluster into a dr-core {@link ClusterState}: PersistentVolumeClaims
 * (labels, phase, storage class, requested bytes, access modes, bound volume), PersistentVolumes (claim reference, CSI
 * driver and handle, phase, storage class, capacity) and Longhorn volumes ({@code fromBackup}, size, state, labels).
 *
 * <p>For least privilege, {@link Builder#namespaces} limits the claims read to some namespaces (a namespaced
 * {@code list} then suffices), and PVs or Longhorn volumes can be left out. A cluster without Longhorn's CRDs yields
 * no Longhorn volumes (logged at WARN) rather than an error. Thread-safe; each {@link #inspect()} reads afresh.
 */
public final class KubernetesClusterInspector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesClusterInspector.class);

    private final ClientHandle handle;
    private final Set<String> namespaces;
    private final String longhornNamespace;
    private final boolean persistentVolumes;
    private final boolean longhornVolumes;

    private KubernetesClusterInspector(Builder b) {
        this.namespaces = Set.copyOf(b.namespaces);
        this.longhornNamespace = b.longhornNamespace;
        this.persistentVolumes = b.persistentVolumes;
        this.longhornVolumes = b.longhornVolumes;
        this.handle = ClientHandle.of(b.client, b.requestTimeout);
    }

    /** A builder; without {@link Builder#client} the default kubeconfig / in-cluster configuration is used. */
    public static Builder builder() {
        return new Builder();
    }

    /** An inspector over {@code client} (never closed by the inspector), reading every namespace. */
    public static KubernetesClusterInspector create(KubernetesClient client) {
        return builder().client(client).build();
    }

    /** Reads the cluster now. */
    public ClusterState inspect() {
        ClusterState.Builder b = ClusterState.builder();
        readClaims().forEach(b::pvc);
        if (persistentVolumes) {
            readPvs().forEach(b::pv);
        }
        if (longhornVolumes) {
            readLonghornVolumes().forEach(b::volume);
        }
        return b.build();
    }

    /** A short description, safe to print. */
    public String describe() {
        return "Kubernetes at " + handle.masterUrl() + (namespaces.isEmpty() ? "" : " (namespaces " + namespaces + ")");
    }

    /** Closes the client if this inspector built it; idempotent. */
    @Override
    public void close() {
        handle.close();
    }

    private List<PvcInfo> readClaims() {
        List<PersistentVolumeClaim> items = new ArrayList<>();
        if (namespaces.isEmpty()) {
            items.addAll(KubeErrors.call("list PersistentVolumeClaims in all namespaces",
                    () -> handle.client().persistentVolumeClaims().inAnyNamespace().list().getItems()));
        } else {
            for (String ns : namespaces) {
                items.addAll(KubeErrors.call("list PersistentVolumeClaims in namespace " + ns,
                        () -> handle.client().persistentVolumeClaims().inNamespace(ns).list().getItems()));
            }
        }
        LOG.debug("listed {} PVCs", items.size());
        List<PvcInfo> out = new ArrayList<>();
        for (PersistentVolumeClaim c : items) {
            toPvcInfo(c).ifPresent(out::add);
        }
        return out;
    }

    /** Maps one claim; empty (and a WARN) when its name is not a valid reference. */
    static Optional<PvcInfo> toPvcInfo(PersistentVolumeClaim c) {
        String ns = c.getMetadata().getNamespace();
        String name = c.getMetadata().getName();
        PvcRef ref;
        try {
            ref = PvcRef.of(ns, name);
        } catch (InvalidInputException e) {
            LOG.warn("skipping PVC {}/{}: {}", ns, name, e.getMessage());
            return Optional.empty();
        }
        var spec = c.getSpec();
        long requested = spec == null || spec.getResources() == null ? 0
                : Quantities.storage(spec.getResources().getRequests()).orElse(0);
        String phase = c.getStatus() == null || c.getStatus().getPhase() == null ? "Pending" : c.getStatus().getPhase();
        return Optional.of(new PvcInfo(ref, c.getMetadata().getLabels(), phase,
                Optional.ofNullable(spec == null ? null : spec.getStorageClassName()), requested,
                spec == null ? List.of() : spec.getAccessModes(),
                Optional.ofNullable(spec == null ? null : spec.getVolumeName())));
    }

    private List<PvInfo> readPvs() {
        List<PersistentVolume> items = KubeErrors.call("list PersistentVolumes",
                () -> handle.client().persistentVolumes().list().getItems());
        LOG.debug("listed {} PVs", items.size());
        return items.stream().map(KubernetesClusterInspector::toPvInfo).toList();
    }

    /** Maps one PV. */
    static PvInfo toPvInfo(PersistentVolume pv) {
        var spec = pv.getSpec();
        Optional<PvcRef> claim = Optional.empty();
        ObjectReference ref = spec == null ? null : spec.getClaimRef();
        if (ref != null && ref.getNamespace() != null && ref.getName() != null) {
            try {
                claim = Optional.of(PvcRef.of(ref.getNamespace(), ref.getName()));
            } catch (InvalidInputException e) {
                LOG.warn("PV {} has an invalid claimRef {}/{}: {}", pv.getMetadata().getName(), ref.getNamespace(),
                        ref.getName(), e.getMessage());
            }
        }
        var csi = spec == null ? null : spec.getCsi();
        long capacity = spec == null ? 0 : Quantities.storage(spec.getCapacity()).orElse(0);
        String phase = pv.getStatus() == null || pv.getStatus().getPhase() == null ? "" : pv.getStatus().getPhase();
        return new PvInfo(pv.getMetadata().getName(), claim, Optional.ofNullable(csi == null ? null : csi.getDriver()),
                Optional.ofNullable(csi == null ? null : csi.getVolumeHandle()), phase,
                Optional.ofNullable(spec == null ? null : spec.getStorageClassName()), capacity);
    }

    private List<LonghornVolumeInfo> readLonghornVolumes() {
        List<GenericKubernetesResource> items;
        try {
            items = handle.client().genericKubernetesResources(Longhorn.VOLUMES).inNamespace(longhornNamespace).list().getItems();
        } catch (KubernetesClientException e) {
            if (KubeErrors.isNotFound(e)) {
                LOG.warn("Longhorn volumes CRD not found (is Longhorn installed?); no Longhorn volumes in the cluster state");
                return List.of();
            }
            throw KubeErrors.translate("list Longhorn Volumes in " + longhornNamespace, e);
        }
        LOG.debug("listed {} Longhorn volumes in {}", items.size(), longhornNamespace);
        List<LonghornVolumeInfo> out = new ArrayList<>();
        for (GenericKubernetesResource v : items) {
            long size = Cr.number(v, "spec", "size").orElseGet(() -> {
                LOG.warn("Longhorn volume {} has no valid spec.size ('{}')", Cr.name(v), Cr.str(v, "spec", "size"));
                return 0L;
            });
            String fromBackup = Cr.str(v, "spec", "fromBackup");
            Map<String, String> labels = Cr.labels(v);
            out.add(new LonghornVolumeInfo(Cr.name(v), Optional.of(fromBackup), size, Cr.str(v, "status", "state"), labels));
        }
        return out;
    }

    /** Builds {@link KubernetesClusterInspector}s. */
    public static final class Builder {
        private KubernetesClient client;
        private final Set<String> namespaces = new LinkedHashSet<>();
        private String longhornNamespace = Longhorn.DEFAULT_NAMESPACE;
        private boolean persistentVolumes = true;
        private boolean longhornVolumes = true;
        private Duration requestTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** The client to use (never closed by the inspector); default: one from kubeconfig / in-cluster config. */
        public Builder client(KubernetesClient c) {
            this.client = c;
            return this;
        }

        /** Reads claims of these namespaces only (default: all namespaces, which needs a cluster-wide {@code list}). */
        public Builder namespaces(String... ns) {
            for (String n : ns) {
                this.namespaces.add(Objects.requireNonNull(n, "namespace"));
            }
            return this;
        }

        /** Longhorn's namespace (default {@code longhorn-system}). */
        public Builder longhornNamespace(String ns) {
            this.longhornNamespace = Objects.requireNonNull(ns, "namespace");
            return this;
        }

        /** Whether to read PersistentVolumes (cluster-scoped; default true). */
        public Builder persistentVolumes(boolean on) {
            this.persistentVolumes = on;
            return this;
        }

        /** Whether to read Longhorn volumes (default true). */
        public Builder longhornVolumes(boolean on) {
            this.longhornVolumes = on;
            return this;
        }

        /** Request timeout of the client the inspector builds itself (default 30 s; ignored with {@link #client}). */
        public Builder requestTimeout(Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new InvalidInputException("request timeout must be positive, got " + d);
            }
            this.requestTimeout = d;
            return this;
        }

        /** Builds the inspector. */
        public KubernetesClusterInspector build() {
            return new KubernetesClusterInspector(this);
        }
    }
}
