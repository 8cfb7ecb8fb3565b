package io.drkit.kubernetes;

import io.drkit.core.bind.StepOperations;
import io.drkit.core.contract.StepOperationsContractTest;
import io.drkit.core.model.Backup;
import io.drkit.core.model.PvcRef;
import io.drkit.kubernetes.internal.Cr;
import io.drkit.kubernetes.internal.Longhorn;
import io.drkit.kubernetes.internal.VolumeCr;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Optional;
import java.util.Set;

/** The dr-core binder contract against the fabric8 mock server with the simulated Longhorn controller. */
class KubernetesVolumeBinderContractTest extends StepOperationsContractTest {

    @Override
    protected Environment createEnvironment() {
        SimCluster sim = SimCluster.start();
        return new Environment() {
            @Override
            public StepOperations<?> binder() {
                return sim.binder;
            }

            @Override
            public Backup publishBackup(String volumeName, String backupName, PvcRef pvc, long volumeSize) {
                // only in the store: the binder has to get Longhorn to sync it first
                return sim.store.publish(volumeName, backupName, pvc, volumeSize);
            }

            @Override
            public void createForeignVolume(String name) {
                GenericKubernetesResource v = Cr.create(Longhorn.VOLUMES, SimCluster.NS, name);
                Cr.section(v, "spec").put("size", Long.toString(1L << 30));
                Cr.section(v, "spec").put("frontend", "blockdev");
                sim.cluster.admin().genericKubernetesResources(Longhorn.VOLUMES).inNamespace(SimCluster.NS).resource(v).create();
            }

            @Override
            public void createPvcBoundElsewhere(PvcRef pvc, String pvName) {
                var op = sim.cluster.admin().persistentVolumeClaims().inNamespace(pvc.namespace());
                var created = op.resource(new PersistentVolumeClaimBuilder().withNewMetadata().withName(pvc.name())
                        .withNamespace(pvc.namespace()).endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                        .withStorageClassName("longhorn").withVolumeName(pvName).withNewResources()
                        .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
                created.setStatus(new PersistentVolumeClaimStatusBuilder().withPhase("Bound").build());
                op.resource(created).updateStatus();
            }

            @Override
            public boolean volumeRestoredFrom(String volumeName, Backup backup) {
                GenericKubernetesResource v = sim.volume(volumeName);
                if (v == null) {
                    return false;
                }
                VolumeCr cr = VolumeCr.of(v);
                return cr.restoreFinished() && backup.url().orElseThrow().sameBackupAs(cr.fromBackup());
            }

            @Override
            public Optional<Optional<PvcRef>> pvClaimRef(String pvName) {
                PersistentVolume pv = sim.pv(pvName);
                if (pv == null) {
                    return Optional.empty();
                }
                var ref = pv.getSpec().getClaimRef();
                return Optional.of(ref == null ? Optional.empty() : Optional.of(PvcRef.of(ref.getNamespace(), ref.getName())));
            }

            @Override
            public boolean pvcExists(PvcRef pvc) {
                return sim.pvc(pvc) != null;
            }

            @Override
            public Set<String> volumeGroups(String volumeName) {
                return sim.volumeGroups(volumeName);
            }

            @Override
            public void close() {
                sim.close();
            }
        };
    }
}
