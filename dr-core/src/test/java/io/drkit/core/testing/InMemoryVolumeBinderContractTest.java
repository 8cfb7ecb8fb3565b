package io.drkit.core.testing;

import io.drkit.core.bind.StepOperations;
import io.drkit.core.contract.StepOperationsContractTest;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.LonghornLabels;
import io.drkit.core.model.PvcRef;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

class InMemoryVolumeBinderContractTest extends StepOperationsContractTest {
    @Override
    protected Environment createEnvironment() {
        InMemoryVolumeBinder binder = new InMemoryVolumeBinder();
        BackupTarget target = BackupTarget.parse("s3://backups@us-east-1/");
        return new Environment() {
            @Override
            public StepOperations<?> binder() {
                return binder;
            }

            @Override
            public Backup publishBackup(String volumeName, String backupName, PvcRef pvc, long volumeSize) {
                return Backup.builder(backupName, volumeName).snapshotCreatedAt(Instant.parse("2026-11-01T00:00:00Z"))
                        .completedAt(Instant.parse("2026-11-01T00:01:00Z")).volumeSize(volumeSize).size(volumeSize / 2)
                        .url(target.backupUrl(backupName, volumeName)).build();
            }

            @Override
            public void createForeignVolume(String name) {
                binder.existingVolume(name, null, 1L << 30);
            }

            @Override
            public void createPvcBoundElsewhere(PvcRef pvc, String pvName) {
                binder.boundPvc(pvc, pvName);
            }

            @Override
            public boolean volumeRestoredFrom(String volumeName, Backup backup) {
                return binder.volume(volumeName).map(v -> v.restored()
                        && v.fromBackup().equals(backup.url())).orElse(false);
            }

            @Override
            public Optional<Optional<PvcRef>> pvClaimRef(String pvName) {
                return binder.pv(pvName).map(InMemoryVolumeBinder.SimPv::claimRef);
            }

            @Override
            public boolean pvcExists(PvcRef pvc) {
                return binder.pvc(pvc).isPresent();
            }

            @Override
            public Set<String> volumeGroups(String volumeName) {
                return binder.volume(volumeName).map(v -> v.labels().keySet().stream()
                        .filter(k -> k.startsWith(LonghornLabels.RECURRING_JOB_GROUP_PREFIX))
                        .map(k -> k.substring(LonghornLabels.RECURRING_JOB_GROUP_PREFIX.length()))
                        .collect(Collectors.toSet())).orElse(Set.of());
            }
        };
    }
}
