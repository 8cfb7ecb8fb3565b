package io.drkit.kubernetes;

import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.contract.BackupCatalogContractTest;
import io.drkit.core.contract.CatalogFixture;
import org.junit.jupiter.api.AfterAll;

/**
 * The dr-core catalog contract over CRs written as Longhorn 1.9.1+ writes them (hashed BackupVolume names,
 * {@code spec.volumeName}, {@code backup-target} labels). One mock server for the class: the fixture never changes.
 */
class LonghornCrdCatalogContractTest extends BackupCatalogContractTest {
    private static MockCluster cluster;
    private static AutoCloseable longhornSyncs;

    @Override
    protected BackupCatalog createCatalog(CatalogFixture fixture) throws Exception {
        if (cluster == null) {
            cluster = MockCluster.start();
            CrFixtures.write(cluster.admin(), fixture, "default");
            longhornSyncs = CrFixtures.answerSyncRequests(cluster.admin());
        }
        return LonghornCrdCatalog.builder().client(cluster.client()).syncWait(java.time.Duration.ofSeconds(20))
                .pollInterval(java.time.Duration.ofMillis(20)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (longhornSyncs != null) {
            longhornSyncs.close();
            longhornSyncs = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
