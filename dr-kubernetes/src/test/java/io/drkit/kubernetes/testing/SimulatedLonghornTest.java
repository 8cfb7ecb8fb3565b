package io.drkit.kubernetes.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.contract.CatalogFixture;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.testing.InMemoryBackupCatalog;
import io.drkit.kubernetes.internal.BackupCr;
import io.drkit.kubernetes.internal.Cr;
import io.drkit.kubernetes.internal.Longhorn;
import io.drkit.kubernetes.internal.VolumeCr;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulation itself, stepped tick by tick where possible, on the fabric8 extension's CRUD mock. */
@EnableKubernetesMockClient(crud = true, https = false)
class SimulatedLonghornTest {
    private static final String NS = Longhorn.DEFAULT_NAMESPACE;
    KubernetesClient client;
    private InMemoryBackupCatalog store;

    @BeforeEach
    void store() {
        List<Backup> all = CatalogFixture.standard().backups().values().stream().flatMap(List::stream).toList();
        store = InMemoryBackupCatalog.of(CatalogFixture.standard().volumes(), all);
    }

    private List<GenericKubernetesResource> list(io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext ctx) {
        return client.genericKubernetesResources(ctx).inNamespace(NS).list().getItems();
    }

    private GenericKubernetesResource get(io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext ctx, String name) {
        return client.genericKubernetesResources(ctx).inNamespace(NS).withName(name).get();
    }

    private void requestTargetSync() {
        var op = client.genericKubernetesResources(Longhorn.BACKUP_TARGETS).inNamespace(NS);
        GenericKubernetesResource bt = op.withName("default").get();
        Cr.section(bt, "spec").put("syncRequestedAt", io.drkit.core.util.Times.rfc3339(Instant.now()));
        op.resource(bt).update();
    }

    private GenericKubernetesResource restoreVolume(String name, String fromBackup) {
        GenericKubernetesResource v = Cr.create(Longhorn.VOLUMES, NS, name);
        Cr.section(v, "spec").put("fromBackup", fromBackup);
        Cr.section(v, "spec").put("size", "1");
        Cr.section(v, "spec").put("numberOfReplicas", 0);
        return client.genericKubernetesResources(Longhorn.VOLUMES).inNamespace(NS).resource(v).create();
    }

    private static void eventually(BooleanSupplier c) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(15);
        while (!c.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("condition never became true");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void learnsBackupsOnlyWhenASyncIsRequestedThenInspectsThemATickLater() {
        SimulatedLonghorn sim = SimulatedLonghorn.builder(client, store).build().initialize();
        sim.tick();
        assertThat(list(Longhorn.BACKUP_VOLUMES)).isEmpty();

        requestTargetSync();
        sim.tick();
        assertThat(list(Longhorn.BACKUP_VOLUMES)).hasSize(CatalogFixture.standard().volumes().size());
        sim.tick();
        GenericKubernetesResource a2 = get(Longhorn.BACKUPS, CatalogFixture.A2);
        assertThat(BackupCr.of(a2).state()).isEmpty();
        sim.tick();
        BackupCr inspected = BackupCr.of(get(Longhorn.BACKUPS, CatalogFixture.A2));
        assertThat(inspected.isComplete()).isTrue();
        assertThat(inspected.url()).isEqualTo(store.getBackup("pvc-aaa", CatalogFixture.A2).url().orElseThrow().url());
        assertThat(BackupCr.of(get(Longhorn.BACKUPS, CatalogFixture.A3)).state()).isEqualTo("InProgress");
        assertThat(sim.targetSyncs()).isEqualTo(1);
        assertThat(sim.events()).anyMatch(e -> e.startsWith("sync: created BackupVolume"));
    }

    @Test
    void namesBackupVolumesLikeLonghorn191AndLikeLonghorn17() throws Exception {
        SimulatedLonghorn v19 = SimulatedLonghorn.builder(client, store).build();
        // the example in longhorn-api.md §2.2: pvc-0123 on target default
        assertThat(v19.backupVolumeName("pvc-0123")).isEqualTo("pvc-0123-a07f930d");
        v19.syncNow();
        GenericKubernetesResource bv = get(Longhorn.BACKUP_VOLUMES, v19.backupVolumeName("pvc-aaa"));
        assertThat(Cr.labels(bv)).containsEntry("backup-volume", "pvc-aaa").containsEntry("backup-target", "default");
        assertThat(Cr.str(bv, "spec", "volumeName")).isEqualTo("pvc-aaa");

        SimulatedLonghorn v17 = SimulatedLonghorn.builder(client, store).naming(SimulatedLonghorn.Naming.V1_7).build();
        assertThat(v17.backupVolumeName("pvc-aaa")).isEqualTo("pvc-aaa");
        assertThat(SimulatedLonghorn.Naming.V1_7.version()).isEqualTo("v1.7.3");
    }

    @Test
    void restoresThroughTheHookAndReportsItsProgressInTheEngine() throws Exception {
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        List<SimulatedLonghorn.RestoreJob> jobs = new CopyOnWriteArrayList<>();
        try (SimulatedLonghorn sim = SimulatedLonghorn.builder(client, store).restoreHook((job, progress) -> {
            jobs.add(job);
            progress.accept(0.5);
            halfway.countDown();
            proceed.await(15, TimeUnit.SECONDS);
        }).build()) {
            sim.syncNow();
            Backup a2 = store.getBackup("pvc-aaa", CatalogFixture.A2);
            restoreVolume("restored-a", a2.url().orElseThrow().url());
            sim.start();
            assertThat(halfway.await(15, TimeUnit.SECONDS)).isTrue();
            eventually(() -> {
                GenericKubernetesResource e = get(Longhorn.ENGINES, "restored-a-e-0");
                return e != null && Cr.mapOfMaps(e, "status", "restoreStatus").values().stream()
                        .allMatch(s -> Integer.valueOf(50).equals(s.get("progress")));
            });
            GenericKubernetesResource engine = get(Longhorn.ENGINES, "restored-a-e-0");
            assertThat(Cr.labels(engine)).containsEntry("longhornvolume", "restored-a");
            assertThat(Cr.mapOfMaps(engine, "status", "restoreStatus")).hasSize(3);
            assertThat(VolumeCr.of(get(Longhorn.VOLUMES, "restored-a")).state()).isEqualTo("attached");
            proceed.countDown();
            eventually(() -> VolumeCr.of(get(Longhorn.VOLUMES, "restored-a")).restoreFinished());
            assertThat(jobs).singleElement().satisfies(j -> {
                assertThat(j.backupName()).isEqualTo(CatalogFixture.A2);
                assertThat(j.sourceVolume()).isEqualTo("pvc-aaa");
                assertThat(j.sizeBytes()).isEqualTo(1L << 30);
                assertThat(j.backup()).contains(a2);
            });
            GenericKubernetesResource done = get(Longhorn.VOLUMES, "restored-a");
            assertThat(Cr.number(done, "spec", "numberOfReplicas")).contains(3L);
            assertThat(Cr.labels(done)).containsEntry("backup-volume", "pvc-aaa")
                    .containsEntry("recurring-job-group.longhorn.io/default", "enabled");
            assertThat(sim.restoredVolumes()).containsExactly("restored-a");
        }
    }

    @Test
    void aFailingHookFaultsTheVolumeWithItsMessage() throws Exception {
        try (SimulatedLonghorn sim = SimulatedLonghorn.builder(client, store).restoreHook((job, progress) -> {
            throw new IOException("no space left on device");
        }).build()) {
            sim.syncNow();
            restoreVolume("restored-b", store.getBackup("pvc-bbb", CatalogFixture.B2).url().orElseThrow().url());
            sim.start();
            eventually(() -> VolumeCr.of(get(Longhorn.VOLUMES, "restored-b")).restoreFailure().isPresent());
            VolumeCr v = VolumeCr.of(get(Longhorn.VOLUMES, "restored-b"));
            assertThat(v.robustness()).isEqualTo("faulted");
            assertThat(v.restoreFailure()).hasValueSatisfying(m -> assertThat(m).contains("no space left on device"));
        }
    }

    @Test
    void leavesAVolumeOfAnUnknownBackupUninitialisedAsLonghornWould() {
        SimulatedLonghorn sim = SimulatedLonghorn.builder(client, store).build().initialize();
        restoreVolume("restored-c", store.getBackup("pvc-ccc", CatalogFixture.C1).url().orElseThrow().url());
        sim.tick();
        sim.tick();
        assertThat(VolumeCr.of(get(Longhorn.VOLUMES, "restored-c")).state()).isEmpty();
        assertThat(sim.events()).anyMatch(e -> e.contains("webhook would have rejected"));
    }

    @Test
    void playsThePvControllerOnlyForClaimsThePvFits() {
        SimulatedLonghorn sim = SimulatedLonghorn.builder(client, store).build().initialize();
        client.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("pv-1").endMetadata()
                .withNewSpec().addToCapacity("storage", new Quantity("1Gi")).withAccessModes("ReadWriteOnce")
                .withStorageClassName("longhorn").withNewClaimRef().withNamespace("a").withName("fits").endClaimRef()
                .withNewCsi().withDriver("driver.longhorn.io").withVolumeHandle("v1").endCsi().endSpec().build()).create();
        client.persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName("pv-2").endMetadata()
                .withNewSpec().addToCapacity("storage", new Quantity("1Gi")).withAccessModes("ReadWriteOnce")
                .withStorageClassName("longhorn").withNewClaimRef().withNamespace("a").withName("misfit").endClaimRef()
                .withNewCsi().withDriver("driver.longhorn.io").withVolumeHandle("v2").endCsi().endSpec().build()).create();
        for (String[] c : new String[][] {{"fits", "longhorn", "1Gi"}, {"misfit", "longhorn", "2Gi"}}) {
            client.persistentVolumeClaims().inNamespace("a").resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                    .withName(c[0]).withNamespace("a").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce")
                    .withStorageClassName(c[1]).withNewResources().addToRequests("storage", new Quantity(c[2])).endResources()
                    .endSpec().build()).create();
        }
        sim.tick();

        assertThat(client.persistentVolumeClaims().inNamespace("a").withName("fits").get().getStatus().getPhase()).isEqualTo("Bound");
        var misfit = client.persistentVolumeClaims().inNamespace("a").withName("misfit").get();
        assertThat(misfit.getSpec().getVolumeName()).isNull();
        assertThat(client.persistentVolumes().withName("pv-2").get().getStatus().getPhase()).isEqualTo("Available");
        assertThat(sim.events()).anyMatch(e -> e.contains("PV pv-2 does not fit claim a/misfit: capacity"));
        assertThat(Map.of("pv-1", client.persistentVolumes().withName("pv-1").get().getStatus().getPhase()))
                .containsEntry("pv-1", "Bound");
        assertThat(store.listBackupVolumes()).extracting(BackupVolume::name).contains("pvc-aaa");
    }
}
