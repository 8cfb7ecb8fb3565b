package io.drkit.examples.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.Cancellation;
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
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The restore Job end to end, through {@link RestoreJob#run(Map, Function, java.io.PrintStream)}: a backupstore written
 * the way Longhorn writes it into an embedded S3 server, claims created as GitOps would (two labelled
 * {@code data-tier=critical}, two not), the fabric8 mock API server, and {@link SimulatedLonghorn} playing Longhorn's
 * controllers and Kubernetes' PV controller (its restores only tick progress: no image is restored here).
 */
class RestoreJobEndToEndTest {
    private static final String LONGHORN_NS = "longhorn-system";
    private static final ResourceDefinitionContext VOLUMES = new ResourceDefinitionContext.Builder()
            .withGroup("longhorn.io").withVersion("v1beta2").withKind("Volume").withPlural("volumes").withNamespaced(true).build();
    private static final PvcRef DB = PvcRef.of("shop", "db");
    private static final PvcRef PHOTOS = PvcRef.of("media", "photos");
    private static final PvcRef CACHE = PvcRef.of("shop", "cache");
    private static final PvcRef WIKI = PvcRef.of("wiki", "data");
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static EmbeddedS3Server s3;

    private final AtomicLong sequence = new AtomicLong();
    private MockApiServer api;
    private BackupTarget target;
    private S3ObjectSource simObjects;
    private BackupstoreCatalog simStore;
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
    void rebuiltCluster() {
        String bucket = "backups-" + BUCKETS.incrementAndGet();
        target = BackupTarget.parse("s3://" + bucket + "@us-east-1/");
        try (S3ObjectSource sink = s3.createBucket(bucket)) {
            BackupstoreWriter w = BackupstoreWriter.create(sink, target, 42);
            var db = w.volume("pvc-db").size(16L << 20).pvc(DB.toString());
            db.backup("backup-db00000000000001", Instant.parse("2026-11-20T03:00:00Z"), d -> d.text(0).text(2L << 20));
            dbNewest = db.backup("backup-db00000000000002", Instant.parse("2026-11-25T03:00:00Z"), d -> d.text(0));
            var photos = w.volume("pvc-photos").size(16L << 20).pvc(PHOTOS.toString());
            photosNewest = photos.backup("backup-ph00000000000001", Instant.parse("2026-11-24T03:00:00Z"), d -> d.random(0));
            photos.inProgressBackup("backup-ph00000000000002", Instant.parse("2026-11-25T03:00:00Z"));
            w.volume("pvc-cache").size(16L << 20).pvc(CACHE.toString())
                    .backup("backup-ca00000000000001", Instant.parse("2026-11-25T03:00:00Z"), d -> d.text(0));
            w.volume("pvc-wiki").size(16L << 20).pvc(WIKI.toString())
                    .backup("backup-wi00000000000001", Instant.parse("2026-11-25T03:00:00Z"), d -> d.text(0));
            w.volume("pvc-orphan").size(16L << 20)
                    .backup("backup-or00000000000001", Instant.parse("2026-11-25T03:00:00Z"), d -> d.text(0));
        }
        api = new MockApiServer(sequence);
        simObjects = s3.source(bucket);
        simStore = BackupstoreCatalog.builder(simObjects, target).build();
        longhorn = SimulatedLonghorn.builder(api.client(MockApiServer.SIMULATOR), simStore)
                .backupTarget("default", target.url()).tick(Duration.ofMillis(20)).build().start();
        claim(DB, Map.of("data-tier", "critical", "app", "shop"));
        claim(PHOTOS, Map.of("data-tier", "critical"));
        claim(CACHE, Map.of("data-tier", "scratch"));
        claim(WIKI, Map.of());
        out = new SequencedOutput(sequence);
    }

    @AfterEach
    void everyRequestOfTheJobIsAllowedByTheDeployedRbac() throws Exception {
        RbacManifest rbac = RbacManifest.parse(Files.readString(Path.of("deploy", "rbac.yaml")));
        List<RbacManifest.Access> denied = api.callsBy(MockApiServer.JOB).stream().map(MockApiServer.Call::access)
                .filter(a -> a != null && !rbac.allows(a)).distinct().toList();
        assertThat(denied).as("requests deploy/rbac.yaml does not allow").isEmpty();
    }

    @AfterEach
    void stop() {
        longhorn.close();
        simStore.close();
        simObjects.close();
        api.close();
    }

    // ---------------------------------------------------------------- tests

    @Test
    void restoresEveryCriticalClaimFromItsNewestBackupAfterPrintingThePlan() throws Exception {
        int code = runJob(env());
        assertThat(code).as(out.text()).isEqualTo(ExitCodes.OK);
        SequencedOutput.Line plan = out.first(l -> l.startsWith("Restore plan from")).orElseThrow();
        List<MockApiServer.Call> writes = api.writesBy(MockApiServer.JOB);
        assertThat(writes).as("the job changed the cluster").isNotEmpty();
        assertThat(writes).allSatisfy(c -> assertThat(c.seq()).as("%s after the plan was printed", c).isGreaterThan(plan.seq()));
        assertThat(out.text()).contains("shop/db", "media/photos", "[shop/db] RESTORED", "[media/photos] RESTORED",
                "[shop/db] restoring:", "all data in place");

        assertRestoredFrom(DB, "pvc-db", dbNewest);
        assertRestoredFrom(PHOTOS, "pvc-photos", photosNewest);
        eventually(() -> bound(DB) && bound(PHOTOS));
        assertThat(claim(DB).getSpec().getVolumeName()).isEqualTo("pvc-db");
        assertThat(claim(PHOTOS).getSpec().getVolumeName()).isEqualTo("pvc-photos");

        for (String untouched : List.of("pvc-cache", "pvc-wiki", "pvc-orphan")) {
            assertThat(volume(untouched)).as(untouched).isNull();
            assertThat(api.admin().persistentVolumes().withName(untouched).get()).as(untouched).isNull();
        }
        assertThat(claim(CACHE).getSpec().getVolumeName()).isNull();
        assertThat(claim(WIKI).getSpec().getVolumeName()).isNull();
        assertThat(longhorn.restoredVolumes()).containsExactlyInAnyOrder("pvc-db", "pvc-photos");
    }

    @Test
    void runningTheJobAgainRestoresNothingTwice() throws Exception {
        assertThat(runJob(env())).as(out.text()).isEqualTo(ExitCodes.OK);
        eventually(() -> bound(DB) && bound(PHOTOS));
        long volumesCreated = volumeCreations();
        out = new SequencedOutput(sequence);

        int again = runJob(env());

        assertThat(again).as(out.text()).isEqualTo(ExitCodes.OK);
        assertThat(volumeCreations()).isEqualTo(volumesCreated).isEqualTo(2);
        assertThat(api.writesBy(MockApiServer.JOB).stream().filter(c -> c.path().contains("/persistentvolumes")))
                .as("PV writes over both runs").hasSize(2);
        assertThat(out.text()).contains("ALREADY_RESTORED").contains("nothing to restore").doesNotContain("RESTORED in");
        assertThat(longhorn.restoredVolumes()).containsExactlyInAnyOrder("pvc-db", "pvc-photos");
        assertRestoredFrom(DB, "pvc-db", dbNewest);
    }

    @Test
    void aFailedRestoreExitsOneWhileTheOtherClaimsAreStillRestored() throws Exception {
        longhorn.failRestore("pvc-photos", "All replica restore failed");
        Map<String, String> env = env();
        env.remove("DRKIT_BACKUPSTORE"); // and the store's URL comes from Longhorn's BackupTarget

        int code = runJob(env);

        assertThat(code).as(out.text()).isEqualTo(ExitCodes.FAILED);
        assertThat(out.text()).contains("using " + target.url() + ", the URL of Longhorn's BackupTarget longhorn-system/default")
                .contains("[media/photos] FAILED").contains("[shop/db] RESTORED")
                .contains("1 of 2 step(s) did not finish (1 failed)");
        assertRestoredFrom(DB, "pvc-db", dbNewest);
        eventually(() -> bound(DB));
        assertThat(api.admin().persistentVolumes().withName("pvc-photos").get()).isNull();
        assertThat(claim(PHOTOS).getSpec().getVolumeName()).isNull();
    }

    @Test
    void cancellingTheJobMidwayStopsTheRunningStepsAndStillPrintsTheReport() throws Exception {
        longhorn.stallRestore("pvc-db");
        Cancellation sigterm = Cancellation.create();
        CompletableFuture<Integer> job = CompletableFuture.supplyAsync(() -> RestoreJob.run(env(),
                settings -> new Connections(settings, () -> api.client(MockApiServer.JOB)), out.stream(), sigterm));
        eventually(() -> out.text().contains("[media/photos] RESTORED") && volume("pvc-db") != null);

        sigterm.cancel();

        assertThat(job.get(30, TimeUnit.SECONDS)).as(out.text()).isEqualTo(ExitCodes.FAILED);
        assertThat(out.text()).contains("[shop/db] CANCELLED").contains("1 of 2 step(s) did not finish (1 cancelled)")
                .contains("NOT all data in place");
        assertThat(api.admin().persistentVolumes().withName("pvc-db").get()).isNull();
        assertRestoredFrom(PHOTOS, "pvc-photos", photosNewest);
    }

    @Test
    void planModePrintsThePlanAndChangesNothing() {
        Map<String, String> env = env();
        env.put("DRKIT_MODE", "plan");

        int code = runJob(env);

        assertThat(code).as(out.text()).isEqualTo(ExitCodes.OK);
        assertThat(out.text()).contains("Restore plan from Longhorn backupstore s3://").contains("2 restore(s)").contains("mode plan: nothing was changed")
                .containsPattern("shop/db +\\S*backup-db00000000000002").containsPattern("media/photos +\\S*backup-ph00000000000001");
        assertThat(api.writesBy(MockApiServer.JOB)).isEmpty();
        assertThat(volume("pvc-db")).isNull();
    }

    @Test
    void readsTheBackupsFromLonghornsCrdsWhenConfiguredSo() throws Exception {
        longhorn.syncNow();
        Map<String, String> env = new HashMap<>(Map.of("DRKIT_SOURCE", "longhorn-crds", "DRKIT_POLL_INTERVAL", "50ms",
                "DRKIT_STEP_TIMEOUT", "60s", "DRKIT_PVCS", "shop/db", "DRKIT_PVC_SELECTOR", ""));

        int code = runJob(env);

        assertThat(code).as(out.text()).isEqualTo(ExitCodes.OK);
        assertThat(out.text()).contains("Restore plan from Longhorn CRDs").contains("[shop/db] RESTORED");
        assertRestoredFrom(DB, "pvc-db", dbNewest);
        assertThat(volume("pvc-photos")).isNull();
    }

    @Test
    void aLonghornThatIsNotReadyWhenTheWaitEndsExitsWithUnavailableSoThatTheJobRetries() {
        api.admin().genericKubernetesResources(LonghornBackupTargetUrl.BACKUP_TARGETS).inNamespace(LONGHORN_NS)
                .withName("default").delete();
        Map<String, String> env = env();
        env.remove("DRKIT_BACKUPSTORE");
        env.put("DRKIT_STARTUP_WAIT", "200ms");

        int code = runJob(env);

        assertThat(code).as(out.text()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(out.text()).contains("startup: waiting for BackupTarget longhorn-system/default")
                .contains("gave up waiting for BackupTarget longhorn-system/default").contains("DRKIT_STARTUP_WAIT=PT0.2S");
        assertThat(api.writesBy(MockApiServer.JOB)).isEmpty();
    }

    // --- README snippet: start
    static int restore(Map<String, String> env) {
        RestoreJobConfig config = RestoreJobConfig.fromEnvironment(env);   // DRKIT_* keys and the Secret's AWS_* keys
        try (Connections connections = Connections.of(config.settings())) {  // kubeconfig or in-cluster service account
            return RestoreJob.run(config, connections, System.out);
        }
    }
    // --- README snippet: end

    @Test
    void theReadmeSnippetPlansWithAClientConfiguredFromTheEnvironment() {
        Map<String, String> env = env();
        env.put("DRKIT_MODE", "plan");
        Map<String, String> props = Map.of("kubernetes.master", api.url(), "kubernetes.auth.tryKubeConfig", "false",
                "kubernetes.auth.tryServiceAccount", "false", "kubernetes.disable.autoConfig", "false");
        Map<String, String> saved = new HashMap<>();
        props.forEach((k, v) -> saved.put(k, System.setProperty(k, v)));
        PrintStream stdout = System.out;
        System.setOut(out.stream());
        int code;
        try {
            code = restore(env);
        } finally {
            System.setOut(stdout);
            saved.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }

        assertThat(code).as(out.text()).isEqualTo(ExitCodes.OK);
        assertThat(out.text()).contains("checked against the live cluster").contains("2 restore(s)")
                .contains("mode plan: nothing was changed");
        assertThat(api.calls()).anySatisfy(c -> assertThat(c.path()).isEqualTo("/api/v1/persistentvolumeclaims"));
    }

    // ---------------------------------------------------------------- helpers

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(s3.longhornSecret());
        env.put("DRKIT_BACKUPSTORE", target.url());
        env.put("DRKIT_POLL_INTERVAL", "50ms");
        env.put("DRKIT_STEP_TIMEOUT", "60s");
        env.put("PATH", "/usr/bin"); // unrelated variables are ignored
        return env;
    }

    private int runJob(Map<String, String> env) {
        return RestoreJob.run(env, settings -> new Connections(settings, () -> api.client(MockApiServer.JOB)), out.stream());
    }

    private void claim(PvcRef ref, Map<String, String> labels) {
        api.admin().persistentVolumeClaims().inNamespace(ref.namespace()).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(ref.name()).withNamespace(ref.namespace()).withLabels(labels).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName("longhorn")
                .withNewResources().addToRequests("storage", new Quantity("16Mi")).endResources()
                .endSpec().build()).create();
    }

    private PersistentVolumeClaim claim(PvcRef ref) {
        return api.admin().persistentVolumeClaims().inNamespace(ref.namespace()).withName(ref.name()).get();
    }

    private boolean bound(PvcRef ref) {
        PersistentVolumeClaim c = claim(ref);
        return c.getStatus() != null && "Bound".equals(c.getStatus().getPhase());
    }

    private GenericKubernetesResource volume(String name) {
        return api.admin().genericKubernetesResources(VOLUMES).inNamespace(LONGHORN_NS).withName(name).get();
    }

    private long volumeCreations() {
        return api.writesBy(MockApiServer.JOB).stream()
                .filter(c -> c.method().equals("POST") && c.path().endsWith("/namespaces/" + LONGHORN_NS + "/volumes")).count();
    }

    @SuppressWarnings("unchecked")
    private void assertRestoredFrom(PvcRef claim, String volumeName, WrittenBackup backup) {
        GenericKubernetesResource v = volume(volumeName);
        assertThat(v).as("Longhorn volume " + volumeName).isNotNull();
        Map<String, Object> spec = (Map<String, Object>) v.getAdditionalProperties().get("spec");
        assertThat(spec).containsEntry("fromBackup", backup.url());
        PersistentVolume pv = api.admin().persistentVolumes().withName(volumeName).get();
        assertThat(pv).as("PV " + volumeName).isNotNull();
        assertThat(pv.getSpec().getCsi().getDriver()).isEqualTo("driver.longhorn.io");
        assertThat(pv.getSpec().getCsi().getVolumeHandle()).isEqualTo(volumeName);
        assertThat(pv.getSpec().getClaimRef().getNamespace()).isEqualTo(claim.namespace());
        assertThat(pv.getSpec().getClaimRef().getName()).isEqualTo(claim.name());
        assertThat(pv.getSpec().getPersistentVolumeReclaimPolicy()).isEqualTo("Retain");
    }

    /** Waits (asserting no duration) for an effect of the simulated controllers. */
    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(20);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("condition still false").isBefore(end);
            Thread.sleep(20);
        }
    }
}
