package io.drkit.examples.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.PvcRef;
import io.drkit.examples.cli.ExitCodes;
import io.drkit.examples.support.Connections;
import io.drkit.kubernetes.RbacManifest;
import io.drkit.kubernetes.testing.SimulatedLonghorn;
import io.drkit.s3.BackupstoreCatalog;
import io.drkit.s3.S3ObjectSource;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.EmbeddedS3Server;
import io.drkit.s3.testing.WrittenBackup;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The restore Job started with the cluster, before Longhorn: it waits for Longhorn's CRDs, its BackupTarget and the
 * first sync, then for Longhorn to sync its view of the backups (reading Longhorn's CRDs), and restores every
 * selected claim from its newest complete backup; and when Longhorn's sync never finishes it exits 5 naming the
 * claims it could not plan. Longhorn is {@link SimulatedLonghorn}; the bounds and poll interval are short.
 */
class RestoreJobStartupTest {
    private static final String NS = "longhorn-system";
    private static final ResourceDefinitionContext VOLUMES = new ResourceDefinitionContext.Builder()
            .withGroup("longhorn.io").withVersion("v1beta2").withKind("Volume").withPlural("volumes").withNamespaced(true).build();
    private static final PvcRef DB = PvcRef.of("shop", "db");
    private static final PvcRef PHOTOS = PvcRef.of("media", "photos");
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static EmbeddedS3Server s3;

    private final AtomicLong sequence = new AtomicLong();
    private BackupTarget target;
    private S3ObjectSource simObjects;
    private BackupstoreCatalog simStore;
    private MockApiServer api;
    private SimulatedLonghorn longhorn;
    private SequencedOutput out;
    private WrittenBackup dbNewest;
    private WrittenBackup photosNewest;

    @BeforeAll
    static void startS3() {
        s3 = EmbeddedS3Server.startTransient();
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    @BeforeEach
    void store() {
        String bucket = "startup-" + BUCKETS.incrementAndGet();
        target = BackupTarget.parse("s3://" + bucket + "@us-east-1/");
        try (S3ObjectSource sink = s3.createBucket(bucket)) {
            BackupstoreWriter w = BackupstoreWriter.create(sink, target, 11);
            var db = w.volume("pvc-db").size(16L << 20).pvc(DB.toString());
            db.backup("backup-db00000000000001", Instant.parse("2026-11-20T03:00:00Z"), d -> d.text(0).text(2L << 20));
            dbNewest = db.backup("backup-db00000000000002", Instant.parse("2026-11-25T03:00:00Z"), d -> d.text(0));
            var photos = w.volume("pvc-photos").size(16L << 20).pvc(PHOTOS.toString());
            photosNewest = photos.backup("backup-ph00000000000001", Instant.parse("2026-11-24T03:00:00Z"), d -> d.random(0));
            photos.inProgressBackup("backup-ph00000000000002", Instant.parse("2026-11-25T03:00:00Z"));
            w.volume("pvc-cache").size(16L << 20).pvc("shop/cache")
                    .backup("backup-ca00000000000001", Instant.parse("2026-11-25T03:00:00Z"), d -> d.text(0));
        }
        simObjects = s3.source(bucket);
        simStore = BackupstoreCatalog.builder(simObjects, target).build();
        out = new SequencedOutput(sequence);
    }

    @AfterEach
    void stop() throws Exception {
        RbacManifest rbac = RbacManifest.parse(Files.readString(Path.of("deploy", "rbac.yaml")));
        List<RbacManifest.Access> denied = api.callsBy(MockApiServer.JOB).stream().map(MockApiServer.Call::access)
                .filter(a -> a != null && !rbac.allows(a)).distinct().toList();
        if (longhorn != null) {
            longhorn.close();
        }
        simStore.close();
        simObjects.close();
        api.close();
        assertThat(denied).as("requests deploy/rbac.yaml does not allow").isEmpty();
    }

    private void claims() {
        for (PvcRef ref : List.of(DB, PHOTOS, PvcRef.of("shop", "cache"))) {
            api.admin().persistentVolumeClaims().inNamespace(ref.namespace()).resource(new PersistentVolumeClaimBuilder()
                    .withNewMetadata().withName(ref.name()).withNamespace(ref.namespace())
                    .withLabels(Map.of("data-tier", ref.name().equals("cache") ? "scratch" : "critical")).endMetadata()
                    .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName("longhorn")
                    .withNewResources().addToRequests("storage", new Quantity("16Mi")).endResources()
                    .endSpec().build()).create();
        }
    }

    private Map<String, String> env(String syncWait) {
        Map<String, String> env = new HashMap<>();
        env.put("DRKIT_SOURCE", "longhorn-crds");
        env.put("DRKIT_STARTUP_WAIT", "60s");
        env.put("DRKIT_SYNC_WAIT", syncWait);
        env.put("DRKIT_POLL_INTERVAL", "50ms");
        env.put("DRKIT_STEP_TIMEOUT", "60s");
        return env;
    }

    private CompletableFuture<Integer> startJob(Map<String, String> env) {
        return CompletableFuture.supplyAsync(() -> RestoreJob.run(env,
                settings -> new Connections(settings, () -> api.client(MockApiServer.JOB)), out.stream()));
    }

    /** A BackupTarget as Longhorn creates it before its first sync: a URL, no status yet. */
    private void backupTargetNotSyncedYet() {
        GenericKubernetesResource bt = new GenericKubernetesResource();
        bt.setApiVersion("longhorn.io/v1beta2");
        bt.setKind("BackupTarget");
        bt.setMetadata(new ObjectMetaBuilder().withName("default").withNamespace(NS).build());
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("backupTargetURL", target.url());
        spec.put("credentialSecret", "");
        spec.put("pollInterval", "5m0s");
        bt.setAdditionalProperty("spec", spec);
        api.admin().genericKubernetesResources(LonghornBackupTargetUrl.BACKUP_TARGETS).inNamespace(NS).resource(bt).create();
    }

    private GenericKubernetesResource volume(String name) {
        return api.admin().genericKubernetesResources(VOLUMES).inNamespace(NS).withName(name).get();
    }

    /** Waits (asserting no duration) for a condition the Job or the simulation brings about. */
    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(30);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("condition still false").isBefore(end);
            Thread.sleep(20);
        }
    }

    @Test
    void startedBeforeLonghornItWaitsForItsCrdsTargetAndSyncThenRestoresEverySelectedClaim() throws Exception {
        api = new MockApiServer(sequence, false);
        claims();

        CompletableFuture<Integer> job = startJob(env("60s"));

        eventually(() -> out.text().contains("startup: waiting for Longhorn's CRDs"));
        api.installLonghornCrds();
        eventually(() -> out.text().contains("startup: waiting for BackupTarget " + NS + "/default"));
        backupTargetNotSyncedYet();
        eventually(() -> out.text().contains("startup: waiting for the first sync of BackupTarget " + NS + "/default"));
        assertThat(job).as("still waiting").isNotDone();
        // Longhorn starts halfway through its first sync: BackupVolumes with their last backup, no Backups yet
        longhorn = SimulatedLonghorn.builder(api.client(MockApiServer.SIMULATOR), simStore)
                .backupTarget("default", target.url()).startUnsynced(true).tick(Duration.ofMillis(20)).build().start();

        int code = job.get(60, TimeUnit.SECONDS);

        assertThat(code).as(out.text()).isEqualTo(ExitCodes.OK);
        assertThat(out.text()).contains("startup: Longhorn is ready after").contains("[shop/db] RESTORED")
                .contains("[media/photos] RESTORED").doesNotContain("CATALOG_INCOMPLETE").doesNotContain("NO_BACKUP");
        assertRestoredFrom("pvc-db", dbNewest);
        assertRestoredFrom("pvc-photos", photosNewest);
        assertThat(volume("pvc-cache")).isNull();
        assertThat(api.writesBy(MockApiServer.JOB)).as("sync requests, restores")
                .anySatisfy(c -> assertThat(c.path()).contains("/backupvolumes/"));
    }

    @Test
    void aSyncThatNeverFinishesExitsFiveWithinItsBoundNamingTheClaimsItCouldNotPlan() throws Exception {
        api = new MockApiServer(sequence, true);
        claims();
        longhorn = SimulatedLonghorn.builder(api.client(MockApiServer.SIMULATOR), simStore)
                .backupTarget("default", target.url()).startUnsynced(true).ignoreSyncRequests(true)
                .tick(Duration.ofMillis(20)).build().start();

        int code = startJob(env("1s")).get(60, TimeUnit.SECONDS);

        assertThat(code).as(out.text()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(out.text()).containsPattern("shop/db +CATALOG_INCOMPLETE")
                .containsPattern("media/photos +CATALOG_INCOMPLETE").contains("INCOMPLETE VIEW")
                .contains("nothing restored yet").contains("Longhorn has not synced everything yet")
                .contains("not planned: ").contains("media/photos (").contains("shop/db (").doesNotContain("NO_BACKUP")
                .doesNotContain("nothing to restore");
        assertThat(volume("pvc-db")).isNull();
        assertThat(api.writesBy(MockApiServer.JOB)).as("only sync requests").allSatisfy(c ->
                assertThat(c.path()).matches(".*/(backupvolumes|backuptargets)/[^/]+"));
    }

    @SuppressWarnings("unchecked")
    private void assertRestoredFrom(String volumeName, WrittenBackup backup) {
        GenericKubernetesResource v = volume(volumeName);
        assertThat(v).as("Longhorn volume " + volumeName).isNotNull();
        assertThat((Map<String, Object>) v.getAdditionalProperties().get("spec")).containsEntry("fromBackup", backup.url());
        assertThat(longhorn.restoredVolumes()).contains(volumeName);
    }
}
