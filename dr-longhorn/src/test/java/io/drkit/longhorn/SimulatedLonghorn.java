package io.drkit.longhorn;

import io.drkit.core.bind.StepOperations;
import io.drkit.core.contract.StepOperationsContractTest;
import io.drkit.core.model.Backup;
import io.drkit.core.model.PvcRef;
import io.drkit.longhorn.testing.LonghornSimulator;
import io.drkit.longhorn.testing.LonghornVersion;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link LonghornSimulator} with a client and a binder tuned for tests (short polls and backoffs), usable as the
 * dr-core binder contract's {@link StepOperationsContractTest.Environment}.
 */
final class SimulatedLonghorn implements StepOperationsContractTest.Environment {
    final LonghornSimulator sim;
    final LonghornClient client;
    final LonghornVolumeBinder binder;

    SimulatedLonghorn(LonghornVersion version) {
        this.sim = LonghornSimulator.start(version);
        this.client = testClient(sim.baseUrl()).build();
        this.binder = testBinder(client).build();
    }

    /** A client builder with test-sized retries. */
    static LonghornClient.Builder testClient(String baseUrl) {
        return LonghornClient.builder().baseUrl(baseUrl).maxRetries(2)
                .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .callTimeout(Duration.ofSeconds(10));
    }

    /** A binder builder with test-sized polls and waits. */
    static LonghornVolumeBinder.Builder testBinder(LonghornClient client) {
        return LonghornVolumeBinder.builder(client).pollInterval(Duration.ofMillis(5))
                .kubernetesStatusTimeout(Duration.ofSeconds(10)).backupSyncTimeout(Duration.ofSeconds(10));
    }

    @Override
    public StepOperations<?> binder() {
        return binder;
    }

    @Override
    public Backup publishBackup(String volumeName, String backupName, PvcRef pvc, long volumeSize) {
        return sim.publishBackup(volumeName, backupName, pvc, volumeSize);
    }

    @Override
    public void createForeignVolume(String name) {
        sim.createForeignVolume(name, 1L << 30);
    }

    @Override
    public void createPvcBoundElsewhere(PvcRef pvc, String pvName) {
        sim.createPvcBoundElsewhere(pvc, pvName);
    }

    @Override
    public boolean volumeRestoredFrom(String volumeName, Backup backup) {
        return sim.volumeRestoredFrom(volumeName, backup);
    }

    @Override
    public Optional<Optional<PvcRef>> pvClaimRef(String pvName) {
        return sim.pv(pvName).map(LonghornSimulator.SimPv::claimRef);
    }

    @Override
    public boolean pvcExists(PvcRef pvc) {
        return sim.pvc(pvc).isPresent();
    }

    @Override
    public Set<String> volumeGroups(String volumeName) {
        return sim.volumeGroups(volumeName);
    }

    @Override
    public void close() {
        binder.close();
        client.close();
        sim.close();
    }
}
