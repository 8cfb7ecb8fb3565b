package io.drkit.kubernetes.internal;

import io.drkit.core.model.AccessMode;
import io.drkit.core.plan.RestoreStep;
import java.util.List;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.SecretReference;
import io.fabric8.kubernetes.api.model.SecretReferenceBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The PersistentVolume and PersistentVolumeClaim of a restored Longhorn volume, built the way Longhorn's
 * {@code pvCreate}/{@code pvcCreate} build them ({@code datastore/kubernetes.go: NewPVManifestForVolume},
 * {@code NewPVCManifest}, identical from 1.4 to 1.9), with two differences: the PV carries a {@code claimRef} to the
 * step's claim (so Kubernetes' PV controller binds it to that claim whether the claim exists yet or not), and the
 * reclaim policy comes from the step instead of always {@code Retain}.
 */
public final class PvManifests {
    private PvManifests() {
    }

    /** Longhorn's CSI volume attributes for {@code v} (all strings, as pvCreate writes them). */
    public static Map<String, String> volumeAttributes(VolumeCr v) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("diskSelector", String.join(",", v.diskSelector()));
        a.put("nodeSelector", String.join(",", v.nodeSelector()));
        a.put("numberOfReplicas", Integer.toString(v.numberOfReplicas()));
        a.put("staleReplicaTimeout", Integer.toString(v.staleReplicaTimeout()));
        if (v.encrypted()) {
            a.put("encrypted", "true");
        }
        if (AccessMode.fromLonghorn(v.accessMode()).orElse(AccessMode.READ_WRITE_ONCE) == AccessMode.READ_WRITE_MANY) {
            a.put("migratable", Boolean.toString(v.migratable()));
        }
        return a;
    }

    /** The step's access modes as Kubernetes spells them. */
    public static List<String> accessModes(RestoreStep step) {
        return step.accessModes().stream().map(AccessMode::kubernetesName).toList();
    }

    /** The size of the PV and claim: the volume's real size (Longhorn sets it from the backup), else the step's. */
    public static long size(RestoreStep step, VolumeCr v) {
        return v.size() > 0 ? v.size() : step.sizeBytes();
    }

    /**
     * The PV for restored volume {@code v}, pre-bound to the step's claim, with the step's storage class and access
     * modes (the plan's, which the claim's must equal for binding).
     *
     * @param cryptoSecret secret for encrypted volumes ({@code [namespace, name]})
     */
    public static PersistentVolume pv(RestoreStep step, VolumeCr v, String[] cryptoSecret) {
        PersistentVolumeBuilder b = new PersistentVolumeBuilder()
                .withNewMetadata().withName(step.pvName())
                .addToLabels(Longhorn.LABEL_MANAGED_BY, Longhorn.MANAGED_BY)
                .addToAnnotations(Longhorn.ANNOTATION_PVC, step.id())
                .addToAnnotations(Longhorn.ANNOTATION_BACKUP, step.backup().name())
                .endMetadata()
                .withNewSpec()
                .addToCapacity("storage", Quantities.quantity(size(step, v)))
                .withAccessModes(accessModes(step))
                .withPersistentVolumeReclaimPolicy(step.reclaimPolicy().kubernetesName())
                .withVolumeMode("Filesystem")
                .withStorageClassName(step.storageClassName())
                .withClaimRef(new ObjectReferenceBuilder().withApiVersion("v1").withKind("PersistentVolumeClaim")
                        .withNamespace(step.pvc().namespace()).withName(step.pvc().name()).build())
                .withNewCsi()
                .withDriver(Longhorn.CSI_DRIVER)
                .withVolumeHandle(v.name())
                .withFsType(step.fsType())
                .withVolumeAttributes(volumeAttributes(v))
                .endCsi()
                .endSpec();
        PersistentVolume pv = b.build();
        if (v.encrypted()) {
            SecretReference ref = new SecretReferenceBuilder().withNamespace(cryptoSecret[0]).withName(cryptoSecret[1]).build();
            pv.getSpec().getCsi().setNodeStageSecretRef(ref);
            pv.getSpec().getCsi().setNodePublishSecretRef(ref);
        }
        return pv;
    }

    /** The claim for the step, bound to the step's PV by {@code volumeName} (Longhorn's pvcCreate shape). */
    public static PersistentVolumeClaim pvc(RestoreStep step, VolumeCr v) {
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(step.pvc().name()).withNamespace(step.pvc().namespace())
                .addToLabels(Longhorn.LABEL_MANAGED_BY, Longhorn.MANAGED_BY)
                .endMetadata()
                .withNewSpec()
                .withAccessModes(accessModes(step))
                .withNewResources().addToRequests("storage", Quantities.quantity(size(step, v))).endResources()
                .withStorageClassName(step.storageClassName())
                .withVolumeName(step.pvName())
                .withVolumeMode("Filesystem")
                .endSpec()
                .build();
    }
}
