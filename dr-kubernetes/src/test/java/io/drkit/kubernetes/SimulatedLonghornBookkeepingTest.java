package io.drkit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.contract.CatalogFixture;
import io.drkit.core.model.Backup;
import io.drkit.core.testing.InMemoryBackupCatalog;
import io.drkit.kubernetes.internal.Cr;
import io.drkit.kubernetes.internal.Longhorn;
import io.drkit.kubernetes.internal.VolumeCr;
import io.drkit.kubernetes.testing.SimulatedLonghorn;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The simulation records what it did (restored volumes, events) <em>before</em> it publishes the status that tells
 * the world, so a test that sees the status never finds the bookkeeping behind it. Checked at the moment of
 * publication: the mock server shows the test every status write before carrying it out.
 */
class SimulatedLonghornBookkeepingTest {
    private static final String NS = Longhorn.DEFAULT_NAMESPACE;

    private static void eventually(BooleanSupplier c) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(15);
        while (!c.getAsBoolean()) {
            assertThat(Instant.now()).as("condition still false").isBefore(end);
            Thread.sleep(10);
        }
    }

    private static GenericKubernetesResource restoreVolume(MockCluster cluster, String name, String fromBackup) {
        GenericKubernetesResource v = Cr.create(Longhorn.VOLUMES, NS, name);
        Cr.section(v, "spec").put("fromBackup", fromBackup);
        Cr.section(v, "spec").put("size", "1");
        Cr.section(v, "spec").put("numberOfReplicas", 1);
        return cluster.admin().genericKubernetesResources(Longhorn.VOLUMES).inNamespace(NS).resource(v).create();
    }

    @Test
    void aFinishedOrFailedRestoreIsRecordedBeforeItsStatusIsPublished() throws Exception {
        List<Backup> all = CatalogFixture.standard().backups().values().stream().flatMap(List::stream).toList();
        InMemoryBackupCatalog store = InMemoryBackupCatalog.of(CatalogFixture.standard().volumes(), all);
        Map<String, String> seenAtPublication = new ConcurrentHashMap<>();
        try (MockCluster cluster = MockCluster.start();
             SimulatedLonghorn sim = SimulatedLonghorn.builder(cluster.simClient(), store).restoreTicks(2).build()) {
            cluster.observe(call -> {
                if (call.method().equals("PUT") && call.path().matches(".*/volumes/restored-[ab]/status")) {
                    String volume = call.path().replaceAll(".*/volumes/(restored-[ab])/status", "$1");
                    if (call.body().contains("\"restoreRequired\":false")) {
                        seenAtPublication.putIfAbsent(volume + " finished", "restoredVolumes=" + sim.restoredVolumes()
                                + " events=" + sim.events().stream().anyMatch(e -> e.contains(volume + ": restore of")
                                && e.endsWith("finished")));
                    }
                    if (call.body().contains("RestoreFailure")) {
                        seenAtPublication.putIfAbsent(volume + " failed", "events=" + sim.events().stream()
                                .anyMatch(e -> e.contains(volume + ": restore of") && e.contains("failed")));
                    }
                }
            });
            sim.syncNow();
            sim.failRestore("restored-b", "disk full");
            restoreVolume(cluster, "restored-a", store.getBackup("pvc-aaa", CatalogFixture.A2).url().orElseThrow().url());
            restoreVolume(cluster, "restored-b", store.getBackup("pvc-bbb", CatalogFixture.B2).url().orElseThrow().url());
            sim.start();
            var volumes = cluster.admin().genericKubernetesResources(Longhorn.VOLUMES).inNamespace(NS);
            eventually(() -> VolumeCr.of(volumes.withName("restored-a").get()).restoreFinished()
                    && VolumeCr.of(volumes.withName("restored-b").get()).restoreFailure().isPresent());

            assertThat(seenAtPublication).containsEntry("restored-a finished", "restoredVolumes=[restored-a] events=true")
                    .containsEntry("restored-b failed", "events=true");
        }
    }
}
