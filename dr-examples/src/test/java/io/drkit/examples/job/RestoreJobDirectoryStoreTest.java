package io.drkit.examples.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.model.BackupTarget;
import io.drkit.examples.cli.ExitCodes;
import io.drkit.examples.support.Connections;
import io.drkit.kubernetes.testing.SimulatedLonghorn;
import io.drkit.s3.BackupstoreCatalog;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.WrittenBackup;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An NFS backup target mounted into the Job as a directory: the Job reads the store from the mount point but must
 * hand Longhorn backup URLs of the target Longhorn knows ({@code nfs://...}), which it looks up in Longhorn's
 * BackupTarget when {@code DRKIT_TARGET_URL} is empty.
 */
class RestoreJobDirectoryStoreTest {
    private static final ResourceDefinitionContext VOLUMES = new ResourceDefinitionContext.Builder()
            .withGroup("longhorn.io").withVersion("v1beta2").withKind("Volume").withPlural("volumes").withNamespaced(true).build();

    @TempDir
    Path mount;

    @Test
    void aMountedNfsStoreIsRestoredWithBackupUrlsOfLonghornsNfsTarget() {
        BackupTarget nfs = BackupTarget.parse("nfs://nas.example:/export/longhorn");
        WrittenBackup newest;
        try (DirectoryObjectSource sink = DirectoryObjectSource.of(mount)) {
            var db = BackupstoreWriter.create(sink, nfs, 5).volume("pvc-db").size(8L << 20).pvc("shop/db");
            db.backup("backup-db00000000000001", Instant.parse("2026-11-20T03:00:00Z"), d -> d.text(0));
            newest = db.backup("backup-db00000000000002", Instant.parse("2026-11-25T03:00:00Z"), d -> d.text(0));
        }
        SequencedOutput out = new SequencedOutput(new AtomicLong());
        try (MockApiServer api = new MockApiServer(new AtomicLong());
             DirectoryObjectSource simObjects = DirectoryObjectSource.of(mount);
             BackupstoreCatalog simStore = BackupstoreCatalog.builder(simObjects, nfs).build();
             SimulatedLonghorn longhorn = SimulatedLonghorn.builder(api.client(MockApiServer.SIMULATOR), simStore)
                     .backupTarget("default", nfs.url()).tick(Duration.ofMillis(20)).build().start()) {
            api.admin().persistentVolumeClaims().inNamespace("shop").resource(new PersistentVolumeClaimBuilder()
                    .withNewMetadata().withName("db").withNamespace("shop").addToLabels("data-tier", "critical").endMetadata()
                    .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName("longhorn")
                    .withNewResources().addToRequests("storage", new Quantity("8Mi")).endResources().endSpec().build()).create();
            Map<String, String> env = Map.of("DRKIT_BACKUPSTORE", mount.toString(), "DRKIT_POLL_INTERVAL", "50ms",
                    "DRKIT_STEP_TIMEOUT", "60s");

            int code = RestoreJob.run(env, s -> new Connections(s, () -> api.client(MockApiServer.JOB)), out.stream());

            assertThat(code).as(out.text()).isEqualTo(ExitCodes.OK);
            assertThat(out.text()).contains("DRKIT_TARGET_URL is empty; using nfs://nas.example:/export/longhorn")
                    .contains("[shop/db] RESTORED");
            GenericKubernetesResource v = api.admin().genericKubernetesResources(VOLUMES).inNamespace("longhorn-system")
                    .withName("pvc-db").get();
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) v.getAdditionalProperties().get("spec");
            assertThat(spec.get("fromBackup")).isEqualTo(newest.url())
                    .isEqualTo("nfs://nas.example:/export/longhorn?backup=backup-db00000000000002&volume=pvc-db");
            assertThat(longhorn.restoredVolumes()).containsExactly("pvc-db");
        }
    }
}
