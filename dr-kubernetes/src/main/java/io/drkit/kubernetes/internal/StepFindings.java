package io.drkit.kubernetes.internal;

import io.drkit.core.bind.StepState;
import io.drkit.core.plan.RestoreStep;
import io.drkit.core.util.Redaction;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What exists in the cluster for one restore step (the Longhorn volume, the PV, other PVs of the same volume, the
 * claim), and whether it matches the step: the Kubernetes binder's step state, read once.
 *
 * @param step     the step
 * @param volume   the Longhorn volume named like the step's volume
 * @param pv       the PV named like the step's PV
 * @param otherPvs names of other PVs whose CSI handle is the step's volume
 * @param claim    the step's claim
 */
public record StepFindings(RestoreStep step, Optional<VolumeCr> volume, Optional<PersistentVolume> pv,
                           List<String> otherPvs, Optional<PersistentVolumeClaim> claim) {

    /** Copies. */
    public StepFindings {
        Objects.requireNonNull(step, "step");
        otherPvs = List.copyOf(otherPvs);
    }

    /** The same findings with the volume as a restore wait last saw it. */
    public StepFindings withVolume(VolumeCr v) {
        return new StepFindings(step, Optional.of(v), pv, otherPvs, claim);
    }

    /** Reads everything relevant to {@code step}: one GET each for volume, PV and claim, one PV list. */
    public static StepFindings read(KubernetesClient client, String longhornNamespace, RestoreStep step) {
        GenericKubernetesResource v = KubeErrors.call("get Volume " + longhornNamespace + "/" + step.volumeName(), () ->
                client.genericKubernetesResources(Longhorn.VOLUMES).inNamespace(longhornNamespace).withName(step.volumeName()).get());
        PersistentVolume pv = KubeErrors.call("get PersistentVolume " + step.pvName(), () ->
                client.persistentVolumes().withName(step.pvName()).get());
        List<String> others = new ArrayList<>();
        for (PersistentVolume p : KubeErrors.call("list PersistentVolumes", () -> client.persistentVolumes().list().getItems())) {
            if (p.getSpec() != null && p.getSpec().getCsi() != null && Longhorn.isLonghornDriver(p.getSpec().getCsi().getDriver())
                    && step.volumeName().equals(p.getSpec().getCsi().getVolumeHandle())
                    && !step.pvName().equals(p.getMetadata().getName())) {
                others.add(p.getMetadata().getName());
            }
        }
        PersistentVolumeClaim pvc = KubeErrors.call("get PersistentVolumeClaim " + step.id(), () ->
                client.persistentVolumeClaims().inNamespace(step.pvc().namespace()).withName(step.pvc().name()).get());
        return new StepFindings(step, Optional.ofNullable(v).map(VolumeCr::of), Optional.ofNullable(pv), others,
                Optional.ofNullable(pvc));
    }

    /** Why the step must not run, if something of its names exists and does not match. */
    public Optional<String> conflict() {
        Optional<String> c = volume.flatMap(v -> volumeConflict(v, step));
        if (c.isPresent()) {
            return c;
        }
        if (!otherPvs.isEmpty()) {
            return Optional.of("Longhorn volume " + step.volumeName() + " already has PV " + String.join(", ", otherPvs)
                    + "; a second PV for the same volume would be unsafe");
        }
        c = pv.flatMap(p -> pvConflict(p, step, claim));
        if (c.isPresent()) {
            return c;
        }
        long size = volume.map(v -> PvManifests.size(step, v)).orElse(step.sizeBytes());
        return claim.flatMap(p -> pvcConflict(p, step, size));
    }

    /** The volume as the step engine sees it: missing, restoring, or restored ({@link #adoptableAsRestored}). */
    public StepState.VolumeFinding volumeFinding() {
        return volume.map(v -> adoptableAsRestored(v, pv.isPresent()) ? StepState.VolumeFinding.RESTORED
                : StepState.VolumeFinding.RESTORING).orElse(StepState.VolumeFinding.ABSENT);
    }

    /** The PV as the step engine sees it: missing, without a claimRef (to be reserved), or pre-bound. */
    public StepState.PvFinding pvFinding() {
        return pv.map(p -> p.getSpec().getClaimRef() == null ? StepState.PvFinding.NOT_READY : StepState.PvFinding.READY)
                .orElse(StepState.PvFinding.ABSENT);
    }

    /** What was found, in words. */
    public String describe() {
        if (volume.isEmpty() && pv.isEmpty()) {
            return "neither volume " + step.volumeName() + " nor PV " + step.pvName() + " exists"
                    + claim.map(p -> "; claim " + step.id() + " exists and is compatible").orElse("");
        }
        boolean restored = volumeFinding() == StepState.VolumeFinding.RESTORED;
        boolean pvReady = pvFinding() == StepState.PvFinding.READY;
        return "volume " + step.volumeName() + ": " + volume.map(v -> restored ? "restored from " + step.backup().name()
                : v.restoreFailure().map(f -> "restore failed (" + f + ")").orElse("restoring (" + v.describeState() + ")"))
                .orElse("missing") + "; PV " + step.pvName() + ": " + pv.map(p -> pvReady ? "pre-bound to " + step.id()
                : "exists without claimRef").orElse("missing")
                + (step.createPvc() ? "; claim " + step.id() + ": " + (claim.isPresent() ? "exists" : "missing") : "");
    }

    /**
     * Whether an existing volume counts as restored without waiting: the restore was initiated and is no longer
     * required, it is not faulted, and it has detached (or a PV for it exists, so a workload may have attached it).
     */
    public static boolean adoptableAsRestored(VolumeCr v, boolean pvExists) {
        boolean done = v.restoreInitiated() && !v.restoreRequired() && !"faulted".equals(v.robustness())
                && v.restoreFailure().isEmpty() && !v.state().isEmpty() && !"creating".equals(v.state());
        return done && ("detached".equals(v.state()) || pvExists);
    }

    /** Why an existing volume cannot be this step's volume. */
    public static Optional<String> volumeConflict(VolumeCr v, RestoreStep step) {
        if (v.fromBackup().isEmpty()) {
            return Optional.of("Longhorn volume " + v.name() + " exists and was not restored from a backup");
        }
        if (!step.fromBackup().sameBackupAs(v.fromBackup())) {
            return Optional.of("Longhorn volume " + v.name() + " exists and was restored from " + redact(v.fromBackup())
                    + ", not from " + redact(step.fromBackup().url()));
        }
        return Optional.empty();
    }

    /** Why an existing PV cannot be this step's PV. */
    public static Optional<String> pvConflict(PersistentVolume p, RestoreStep step, Optional<PersistentVolumeClaim> pvc) {
        String name = p.getMetadata().getName();
        var csi = p.getSpec() == null ? null : p.getSpec().getCsi();
        if (csi == null || !Longhorn.isLonghornDriver(csi.getDriver()) || !step.volumeName().equals(csi.getVolumeHandle())) {
            return Optional.of("PV " + name + " exists for " + (csi == null ? "a non-CSI volume" : csi.getDriver() + " volume "
                    + csi.getVolumeHandle()) + ", not for Longhorn volume " + step.volumeName());
        }
        ObjectReference ref = p.getSpec().getClaimRef();
        if (p.getMetadata().getDeletionTimestamp() != null) {
            return Optional.of("PV " + name + " is being deleted");
        }
        if (ref != null) {
            if (!step.pvc().namespace().equals(ref.getNamespace()) || !step.pvc().name().equals(ref.getName())) {
                return Optional.of("PV " + name + " is bound to claim " + ref.getNamespace() + "/" + ref.getName()
                        + ", not to " + step.id());
            }
            String uid = ref.getUid();
            if (uid != null && !uid.isEmpty() && pvc.isPresent() && !uid.equals(pvc.get().getMetadata().getUid())) {
                return Optional.of("PV " + name + " is reserved for an earlier claim " + step.id() + " (uid " + uid
                        + "), not for the current one (uid " + pvc.get().getMetadata().getUid() + ")");
            }
        }
        String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
        if ("Released".equals(phase) || "Failed".equals(phase)) {
            return Optional.of("PV " + name + " is " + phase + "; it will not bind again without manual cleanup");
        }
        return Optional.empty();
    }

    /** Why an existing claim cannot be bound to the step's PV (nothing of it is ever modified). */
    public static Optional<String> pvcConflict(PersistentVolumeClaim c, RestoreStep step, long pvSize) {
        if (c.getMetadata().getDeletionTimestamp() != null) {
            return Optional.of("claim " + step.id() + " is being deleted");
        }
        var spec = c.getSpec();
        String bound = spec == null ? null : spec.getVolumeName();
        String phase = c.getStatus() == null ? null : c.getStatus().getPhase();
        if (bound != null && !bound.isEmpty() && !bound.equals(step.pvName())) {
            return Optional.of("claim " + step.id() + " is " + ("Bound".equals(phase) ? "bound" : "pre-bound") + " to PV "
                    + bound + ", not to " + step.pvName());
        }
        if ((bound == null || bound.isEmpty()) && "Bound".equals(phase)) {
            return Optional.of("claim " + step.id() + " is Bound to an unknown volume");
        }
        if (spec == null) {
            return Optional.empty();
        }
        String sc = spec.getStorageClassName();
        if (sc != null && !sc.equals(step.storageClassName())) {
            return Optional.of("claim " + step.id() + " asks for storage class '" + sc + "' but the restored PV gets '"
                    + step.storageClassName() + "'; Kubernetes would never bind them");
        }
        long requested = spec.getResources() == null ? 0 : Quantities.storage(spec.getResources().getRequests()).orElse(0);
        if (pvSize > 0 && requested > pvSize) {
            return Optional.of("claim " + step.id() + " requests " + requested + " bytes but the restored volume has "
                    + pvSize + "; Kubernetes would never bind them");
        }
        List<String> modes = spec.getAccessModes() == null ? List.of() : spec.getAccessModes();
        if (!PvManifests.accessModes(step).containsAll(modes)) {
            return Optional.of("claim " + step.id() + " asks for access modes " + modes + " but the restored PV offers "
                    + PvManifests.accessModes(step));
        }
        if ("Block".equals(spec.getVolumeMode())) {
            return Optional.of("claim " + step.id() + " asks for a raw block volume; the restored PV is a filesystem");
        }
        return Optional.empty();
    }

    /** A backup URL safe for messages ({@link Redaction#url}). */
    static String redact(String url) {
        return Redaction.url(url);
    }
}
