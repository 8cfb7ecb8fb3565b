package io.drkit.longhorn;

import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.contract.BackupCatalogContractTest;
import io.drkit.core.contract.CatalogFixture;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupState;
import io.drkit.core.model.BackupVolume;
import io.drkit.longhorn.testing.LonghornSimulator;
import io.drkit.longhorn.testing.LonghornVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * dr-core's catalog contract against {@link CatalogFixture#standard()} rendered as Longhorn REST responses by the
 * simulator, for Longhorn 1.7 and 1.9. (Longhorn 1.4 predates lz4 and {@code compressionMethod}, so the fixture's lz4
 * volumes cannot exist there; {@code LonghornBackupCatalogTest} covers 1.4's gzip-only shape.)
 */
class LonghornBackupCatalogContractTest {

    abstract static class Base extends BackupCatalogContractTest {
        private LonghornSimulator sim;
        private LonghornClient client;

        abstract LonghornVersion version();

        @Override
        protected BackupCatalog createCatalog(CatalogFixture f) {
            sim = LonghornSimulator.start(version());
            load(sim, f);
            client = SimulatedLonghorn.testClient(sim.baseUrl()).build();
            return LonghornBackupCatalog.builder(client).parallelism(3).build();
        }

        @AfterEach
        void stop() {
            if (client != null) {
                client.close();
            }
            if (sim != null) {
                sim.close();
            }
        }
    }

    /** Publishes every fixture backup and backup volume into the simulator (target {@code default}). */
    static void load(LonghornSimulator sim, CatalogFixture f) {
        for (BackupVolume v : f.volumes()) {
            for (Backup b : f.backupsOf(v.name())) {
                LonghornSimulator.BackupSpec spec = sim.backup(v.name(), b.name()).labels(b.labels())
                        .volumeSize(b.volumeSize() > 0 ? b.volumeSize() : v.size()).size(b.size())
                        .compression(b.compression().wireName())
                        .storageClass(v.storageClassName().orElse(""))
                        .state(switch (b.state()) {
                            case COMPLETED -> "Completed";
                            case IN_PROGRESS -> "InProgress";
                            case ERROR -> "Error";
                            case PENDING -> "";
                            default -> "Unknown";
                        });
                b.snapshotCreatedAt().ifPresent(spec::snapshotCreated);
                b.completedAt().ifPresent(spec::created);
                if (b.state() == BackupState.IN_PROGRESS && b.snapshotCreatedAt().isEmpty()) {
                    b.completedAt().ifPresent(spec::snapshotCreated);
                }
                spec.publish();
            }
            sim.backupVolume(v.name(), "default", v.size(), v.labels(), v.lastBackupName().orElse(""),
                    v.storageClassName().orElse(""));
        }
    }

    @Nested
    class OnLonghorn17 extends Base {
        @Override
        LonghornVersion version() {
            return LonghornVersion.V1_7;
        }
    }

    @Nested
    class OnLonghorn19 extends Base {
        @Override
        LonghornVersion version() {
            return LonghornVersion.V1_9;
        }
    }
}
