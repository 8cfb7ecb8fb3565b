package io.drkit.examples.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.model.BackupTarget;
import io.drkit.examples.cli.ExitCodes;
import io.drkit.examples.support.Connections;
import io.drkit.kubernetes.testing.SimulatedLonghorn;
import io.drkit.s3.BackupstoreCatalog;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.testing.BackupstoreWriter;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore Job's change-rate guard: it plans from its full scan of the store, and still reads the change rates the
 * guard needs from the store's block lists. With {@code DRKIT_ON_ANOMALY=hold} a claim whose newest backup rewrote
 * every block is held, the others are restored, and the Job exits 9 (not retried by Kubernetes as a failure would be
 * pointlessly: a human decides).
 */
class RestoreJobHeldClaimsTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path mount;

    private static String db(int day) {
        return String.format("backup-db%013d", day);
    }

    @Test
    void anAnomalousNewestBackupIsHeldAndTheRestIsRestoredWithExit9() {
        BackupTarget nfs = BackupTarget.parse("nfs://nas.example:/export/longhorn");
        Instant day0 = Instant.parse("2026-11-10T03:00:00Z");
        try (DirectoryObjectSource sink = DirectoryObjectSource.of(mount)) {
            BackupstoreWriter w = BackupstoreWriter.create(sink, nfs, 9);
            BackupstoreWriter.VolumeWriter d = w.volume("pvc-db").size(16 * MIB).pvc("shop/db");
            d.backup(db(0), day0, c -> {
                for (int i = 0; i < 8; i++) {
                    c.text(i * 2 * MIB);
                }
            });
            for (int day = 1; day <= 6; day++) {
                int n = day;
                d.backup(db(day), day0.plus(Duration.ofDays(day)), c -> c.text((n % 8) * 2 * MIB));
            }
            d.backup(db(7), day0.plus(Duration.ofDays(7)), BackupstoreWriter.Changes::rewriteAll);
            w.volume("pvc-web").size(8 * MIB).pvc("shop/web")
                    .backup("backup-web0000000000001", day0.plus(Duration.ofDays(7)), c -> c.text(0));
        }
        SequencedOutput out = new SequencedOutput(new AtomicLong());
        try (MockApiServer api = new MockApiServer(new AtomicLong());
             DirectoryObjectSource simObjects = DirectoryObjectSource.of(mount);
             BackupstoreCatalog simStore = BackupstoreCatalog.builder(simObjects, nfs).build();
             SimulatedLonghorn longhorn = SimulatedLonghorn.builder(api.client(MockApiServer.SIMULATOR), simStore)
                     .backupTarget("default", nfs.url()).tick(Duration.ofMillis(20)).build().start()) {
            for (String[] claim : new String[][] {{"db", "16Mi"}, {"web", "8Mi"}}) {
                String name = claim[0];
                api.admin().persistentVolumeClaims().inNamespace("shop").resource(new PersistentVolumeClaimBuilder()
                        .withNewMetadata().withName(name).withNamespace("shop").addToLabels("data-tier", "critical")
                        .endMetadata().withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName("longhorn")
                        .withNewResources().addToRequests("storage", new Quantity(claim[1])).endResources().endSpec()
                        .build()).create();
            }
            Map<String, String> env = Map.of("DRKIT_BACKUPSTORE", mount.toString(), "DRKIT_POLL_INTERVAL", "50ms",
                    "DRKIT_STEP_TIMEOUT", "60s", "DRKIT_ON_ANOMALY", "hold");

            int code = RestoreJob.run(env, s -> new Connections(s, () -> api.client(MockApiServer.JOB)), out.stream());

            assertThat(code).as(out.text()).isEqualTo(ExitCodes.HELD);
            assertThat(out.text()).contains("CHANGE_RATE_ANOMALY").contains(db(7)).contains("[shop/web] RESTORED")
                    .contains("held for a human decision, not restored: shop/db (CHANGE_RATE_ANOMALY)");
            assertThat(longhorn.restoredVolumes()).containsExactly("pvc-web");
        }
    }
}
