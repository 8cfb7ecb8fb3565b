package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestorePlan;
import io.drkit.examples.support.InProcessKubernetes;
import io.drkit.kubernetes.testing.SimulatedLonghorn;
import io.drkit.longhorn.testing.LonghornSimulator;
import io.drkit.longhorn.testing.LonghornVersion;
import io.drkit.s3.BackupstoreCatalog;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.S3ObjectSource;
import io.drkit.s3.testing.EmbeddedS3Server;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's cluster commands against an in-process Kubernetes API with a simulated Longhorn, the Longhorn REST
 * simulator, and a backupstore on an embedded S3 server.
 */
class DrCliClusterTest {
    private static final String TARGET = "s3://backups@us-east-1/";

    @TempDir
    Path dir;
    Path store;
    InProcessKubernetes k8s;
    KubernetesClient admin;
    BackupstoreCatalog simSource;
    SimulatedLonghorn longhorn;
    CliHarness cli;

    @BeforeEach
    void cluster() throws Exception {
        store = Files.createDirectories(dir.resolve("store"));
        ExampleStore.writeDirectory(store);
        k8s = InProcessKubernetes.start();
        admin = k8s.newClient("test-admin");
        simSource = BackupstoreCatalog.builder(DirectoryObjectSource.of(store), BackupTarget.parse(TARGET)).build();
        longhorn = SimulatedLonghorn.builder(k8s.newClient("simulated-longhorn"), simSource)
                .backupTarget("default", TARGET).tick(Duration.ofMillis(20)).build().start();
        cli = new CliHarness(Map.of(), () -> k8s.newClient("dr-cli"));
        claim("karakeep", "data-pvc", "critical", 16L << 20);
        claim("immich", "library", "critical", 8L << 20);
        claim("jellyfin", "config", "bulk", 8L << 20);
    }

    @AfterEach
    void stop() {
        longhorn.close();
        simSource.close();
        k8s.close();
    }

    private void claim(String ns, String name, String tier, long size) {
        PersistentVolumeClaim pvc = new PersistentVolumeClaimBuilder().withNewMetadata().withNamespace(ns).withName(name)
                .addToLabels("data-tier", tier).endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                .withStorageClassName("longhorn").withNewResources().addToRequests("storage", new Quantity(String.valueOf(size)))
                .endResources().endSpec().build();
        admin.persistentVolumeClaims().inNamespace(ns).resource(pvc).create();
    }

    private PersistentVolume pv(String name) {
        return admin.persistentVolumes().withName(name).get();
    }

    @Test
    void restoreBySelectorRestoresTheCriticalClaimsAndPreBindsTheirPvs() {
        CliHarness.Result r = cli.run("restore", "--backupstore", store.toString(), "--target-url", TARGET,
                "--selector", "data-tier=critical", "--poll-interval", "50ms");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out().indexOf("Restore plan")).isLessThan(r.out().indexOf("RESTORED"));
        assertThat(r.out()).contains("karakeep/data-pvc").contains("immich/library").contains("2 restored");
        assertThat(pv("pvc-karakeep").getSpec().getClaimRef().getName()).isEqualTo("data-pvc");
        assertThat(pv("pvc-immich").getSpec().getClaimRef().getNamespace()).isEqualTo("immich");
        assertThat(pv("pvc-jellyfin")).isNull();
        assertThat(longhorn.restoredVolumes()).containsExactlyInAnyOrder("pvc-karakeep", "pvc-immich");

        CliHarness.Result again = cli.run("restore", "--backupstore", store.toString(), "--target-url", TARGET,
                "--selector", "data-tier=critical", "--poll-interval", "50ms");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).containsAnyOf("ALREADY_RESTORED", "ADOPTED", "Nothing to restore");
    }

    @Test
    void planWritesJsonThatApplyCarriesOutThroughKubernetes() throws Exception {
        CliHarness.Result plan = cli.run("plan", "--backupstore", store.toString(), "--target-url", TARGET,
                "--pvc", "karakeep/data-pvc", "-o", "json");
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        RestorePlan p = RestorePlan.fromJson(plan.out());
        assertThat(p.clusterAware()).isTrue();
        Path file = Files.writeString(dir.resolve("plan.json"), plan.out());

        CliHarness.Result apply = cli.run("apply", file.toString(), "--backupstore", store.toString(), "--target-url",
                TARGET, "--poll-interval", "50ms", "-o", "json");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        assertThat(apply.out()).contains("\"outcome\" : \"RESTORED\"").contains("\"pvc\" : \"karakeep/data-pvc\"");
        assertThat(pv("pvc-karakeep")).isNotNull();
    }

    @Test
    void applyThroughLonghornsRestApi() throws Exception {
        try (LonghornSimulator rest = LonghornSimulator.start(LonghornVersion.V1_9).restorePolls(2)) {
            rest.backup("pvc-karakeep", ExampleStore.KARAKEEP_NEWEST).pvc(PvcRef.parse("karakeep/data-pvc"))
                    .volumeSize(16L << 20).publish();
            CliHarness.Result plan = cli.run("plan", "--backupstore", store.toString(), "--target-url",
                    LonghornSimulator.DEFAULT_TARGET_URL, "--pvc", "karakeep/data-pvc", "--offline", "--create-pvc", "-o", "json");
            Path file = Files.writeString(dir.resolve("plan.json"), plan.out());
            CliHarness.Result apply = cli.run("apply", file.toString(), "--via", "longhorn", "--longhorn", rest.baseUrl(),
                    "--poll-interval", "10ms");
            assertThat(apply.exitCode()).as(apply.toString()).isZero();
            assertThat(rest.volume("pvc-karakeep")).hasValueSatisfying(v -> assertThat(v.restored()).isTrue());
            assertThat(rest.pv("pvc-karakeep")).isPresent();
            assertThat(rest.pvc(PvcRef.parse("karakeep/data-pvc"))).isPresent();
        }
    }

    @Test
    void applyReportsAFailedStepWithExitCode1() throws Exception {
        longhorn.failRestore("pvc-immich", "all replicas failed to restore");
        CliHarness.Result r = cli.run("restore", "--backupstore", store.toString(), "--target-url", TARGET,
                "--group", "critical", "--poll-interval", "50ms");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.out()).contains("FAILED").contains("immich/library").contains("RESTORED");
    }

    @Test
    void volumesFromLonghornsCrdsAndAuditWithTheCluster() {
        longhorn.syncNow();
        CliHarness.Result volumes = cli.run("volumes", "--kubernetes");
        assertThat(volumes.exitCode()).as(volumes.toString()).isZero();
        assertThat(volumes.out()).contains("pvc-karakeep").contains(ExampleStore.KARAKEEP_NEWEST);

        CliHarness.Result audit = cli.run("audit", "--backupstore", store.toString());
        assertThat(audit.exitCode()).as(audit.toString()).isEqualTo(ExitCodes.VIOLATIONS);
        assertThat(audit.out()).contains("immich/library").contains("STALE");
    }

    @Test
    void policyAuditFindsDriftApplyFixesIt() {
        CliHarness.Result audit = cli.run("policy", "audit");
        assertThat(audit.exitCode()).as(audit.toString()).isEqualTo(ExitCodes.VIOLATIONS);
        assertThat(audit.out()).contains("JOB_MISSING").contains("critical-backup");
        CliHarness.Result apply = cli.run("policy", "apply", "-o", "json");
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        assertThat(apply.out()).contains("\"mode\" : \"APPLY\"");
        CliHarness.Result again = cli.run("policy", "audit");
        assertThat(again.out()).doesNotContain("JOB_MISSING");
    }

    @Test
    void lintFindsStorageClassesPinnedToABackup() throws Exception {
        assertThat(cli.run("lint").exitCode()).isZero();
        admin.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName("longhorn-restore")
                .endMetadata().withProvisioner("driver.longhorn.io")
                .addToParameters("fromBackup", "s3://backups@us-east-1/?backup=backup-1&volume=pvc-1").build()).create();
        CliHarness.Result r = cli.run("lint");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.VIOLATIONS);
        assertThat(r.out()).contains("longhorn-restore").contains("instead:");
        com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(cli.run("lint", "-o", "json").out());
        assertThat(doc.path("apiVersion").asText()).isEqualTo(FormatOptions.API_VERSION);
        assertThat(doc.path("kind").asText()).isEqualTo("StorageClassLint");
        assertThat(doc.path("findings")).singleElement().satisfies(f -> assertThat(f.path("storageClass").asText())
                .isEqualTo("longhorn-restore"));
    }

    @Test
    void readsABackupstoreOnS3WithTheSecretKeysFromTheEnvironment() {
        try (EmbeddedS3Server s3 = EmbeddedS3Server.startTransient()) {
            BackupTarget target = BackupTarget.parse("s3://lh-backups@us-east-1/cluster-a/");
            Map<String, String> env = s3.longhornSecret();
            s3.createBucket("lh-backups").close();
            try (S3ObjectSource sink = S3ObjectSource.forTarget(target, env)) {
                ExampleStore.write(sink, target);
            }
            CliHarness withEnv = new CliHarness(env, () -> k8s.newClient("dr-cli"));
            CliHarness.Result r = withEnv.run("volumes", "--backupstore", target.url());
            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("pvc-karakeep").contains("s3://lh-backups@us-east-1/cluster-a/");
            assertThat(r.out() + r.err()).doesNotContain(s3.secretKey());

            CliHarness.Result denied = new CliHarness(Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY",
                    "wrong-secret", "AWS_ENDPOINTS", s3.endpoint().toString()), () -> null)
                    .run("volumes", "--backupstore", target.url());
            assertThat(denied.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(denied.err()).contains("lh-backups").doesNotContain("wrong-secret");
        }
    }

    // ---------------------------------------------------------------- Longhorn's view not synced yet

    /** Replaces the running simulation with a Longhorn halfway through its first sync (BackupVolumes, no Backups). */
    private void longhornNotSyncedYet(boolean syncNeverFinishes) {
        longhorn.close();
        longhorn = SimulatedLonghorn.builder(k8s.newClient("simulated-longhorn"), simSource).backupTarget("default", TARGET)
                .startUnsynced(true).ignoreSyncRequests(syncNeverFinishes).tick(Duration.ofMillis(20)).build().start();
    }

    @Test
    void restoreFromLonghornsCrdsWaitsForLonghornToSyncThenRestoresEverySelectedClaimFromItsNewestBackup() {
        longhornNotSyncedYet(false);

        CliHarness.Result r = cli.run("restore", "--kubernetes", "--selector", "data-tier=critical", "--poll-interval",
                "50ms", "--sync-wait", "60s");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("2 restored").doesNotContain("CATALOG_INCOMPLETE").doesNotContain("NO_BACKUP")
                .containsPattern("karakeep/data-pvc +" + ExampleStore.KARAKEEP_NEWEST);
        assertThat(longhorn.restoredVolumes()).containsExactlyInAnyOrder("pvc-karakeep", "pvc-immich");
        assertThat(admin.genericKubernetesResources(io.drkit.kubernetes.internal.Longhorn.VOLUMES).inNamespace("longhorn-system")
                .withName("pvc-karakeep").get().getAdditionalProperties().toString()).contains(ExampleStore.KARAKEEP_NEWEST);
    }

    @Test
    void restoreFromLonghornsCrdsExitsFiveWithinItsBoundNamingTheUnsyncedClaimsWhenTheSyncNeverFinishes() {
        longhornNotSyncedYet(true);

        CliHarness.Result r = cli.run("restore", "--kubernetes", "--selector", "data-tier=critical", "--sync-wait", "1s");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.out()).containsPattern("karakeep/data-pvc +CATALOG_INCOMPLETE").containsPattern("immich/library +CATALOG_INCOMPLETE")
                .contains("Nothing restored yet").doesNotContain("Nothing to restore").doesNotContain("NO_BACKUP");
        assertThat(r.err()).contains("retry later (exit 5)").contains("not synced: karakeep/data-pvc")
                .contains("not synced: immich/library");
        assertThat(longhorn.restoredVolumes()).isEmpty();

        CliHarness.Result volumes = cli.run("volumes", "--kubernetes", "--sync-wait", "0s", "-o", "json");
        assertThat(volumes.exitCode()).as(volumes.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(volumes.out()).contains("\"complete\" : false").contains("\"pvc-karakeep\" : \"last backup");
        CliHarness.Result plan = cli.run("plan", "--kubernetes", "--selector", "data-tier=critical", "--sync-wait", "0s",
                "-o", "json");
        assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(RestorePlan.fromJson(plan.out()).catalogComplete()).isFalse();
        CliHarness.Result backups = cli.run("backups", "pvc-karakeep", "--kubernetes", "--sync-wait", "0s");
        assertThat(backups.exitCode()).as(backups.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(backups.err()).contains("not synced: backup volume pvc-karakeep");
    }

    /** The example store's critical claims as Longhorn's REST API lists them right after a rebuild. */
    private static void restBackupsNotSyncedYet(LonghornSimulator rest) {
        rest.backup("pvc-karakeep", "backup-aaaa000000000001").pvc(PvcRef.parse("karakeep/data-pvc")).volumeSize(16L << 20)
                .snapshotCreated(java.time.Instant.parse("2026-11-24T03:00:00Z")).publish();
        rest.backup("pvc-karakeep", ExampleStore.KARAKEEP_NEWEST).pvc(PvcRef.parse("karakeep/data-pvc")).volumeSize(16L << 20)
                .snapshotCreated(java.time.Instant.parse("2026-11-26T03:00:00Z")).publish();
        rest.backup("pvc-immich", "backup-bbbb000000000001").pvc(PvcRef.parse("immich/library")).volumeSize(8L << 20)
                .snapshotCreated(java.time.Instant.parse("2026-11-22T03:00:00Z")).publish();
        rest.unsyncedBackups(Long.MAX_VALUE);
    }

    @Test
    void restoreThroughLonghornsRestApiWaitsForItsSyncThenRestoresEverySelectedClaim() {
        try (LonghornSimulator rest = LonghornSimulator.start(LonghornVersion.V1_9).restorePolls(2)) {
            restBackupsNotSyncedYet(rest);

            CliHarness.Result r = cli.run("restore", "--longhorn", rest.baseUrl(), "--via", "longhorn", "--selector",
                    "data-tier=critical", "--poll-interval", "10ms", "--sync-wait", "60s");

            assertThat(r.exitCode()).as(r.toString()).isZero();
            assertThat(r.out()).contains("2 restored").containsPattern("karakeep/data-pvc +" + ExampleStore.KARAKEEP_NEWEST)
                    .doesNotContain("CATALOG_INCOMPLETE");
            assertThat(rest.volume("pvc-karakeep")).hasValueSatisfying(v -> {
                assertThat(v.restored()).isTrue();
                assertThat(v.fromBackup()).contains(ExampleStore.KARAKEEP_NEWEST);
            });
            assertThat(rest.volume("pvc-immich")).hasValueSatisfying(v -> assertThat(v.restored()).isTrue());
            assertThat(rest.syncRequests()).isPositive();
        }
    }

    @Test
    void restoreThroughLonghornsRestApiExitsFiveNamingTheUnsyncedClaimsWhenTheSyncNeverFinishes() {
        try (LonghornSimulator rest = LonghornSimulator.start(LonghornVersion.V1_9)) {
            restBackupsNotSyncedYet(rest);
            rest.syncNeverFinishes(true);

            CliHarness.Result r = cli.run("restore", "--longhorn", rest.baseUrl(), "--via", "longhorn", "--selector",
                    "data-tier=critical", "--sync-wait", "1s");

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
            assertThat(r.out()).containsPattern("karakeep/data-pvc +CATALOG_INCOMPLETE")
                    .containsPattern("immich/library +CATALOG_INCOMPLETE").doesNotContain("Nothing to restore");
            assertThat(r.err()).contains("not synced: karakeep/data-pvc").contains("not synced: immich/library");
            assertThat(rest.volumeNames()).isEmpty();
        }
    }
}
