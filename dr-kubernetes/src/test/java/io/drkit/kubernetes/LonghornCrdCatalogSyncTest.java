package io.drkit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.catalog.CatalogCompleteness;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.contract.CatalogFixture;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.testing.InMemoryBackupCatalog;
import io.drkit.kubernetes.internal.Cr;
import io.drkit.kubernetes.internal.Longhorn;
import io.drkit.kubernetes.testing.SimulatedLonghorn;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CRD catalog while Longhorn's view is still filling in, against the simulated Longhorn: it asks for syncs the
 * way Longhorn's UI does, waits for them (bounded), and when they never finish says which volumes are not synced
 * instead of answering "no backups".
 */
class LonghornCrdCatalogSyncTest {
    private static final String NS = Longhorn.DEFAULT_NAMESPACE;

    private MockCluster cluster;
    private InMemoryBackupCatalog store;
    private SimulatedLonghorn longhorn;

    @BeforeEach
    void start() {
        cluster = MockCluster.start();
        List<Backup> all = CatalogFixture.standard().backups().values().stream().flatMap(List::stream).toList();
        store = InMemoryBackupCatalog.of(CatalogFixture.standard().volumes(), all);
    }

    @AfterEach
    void stop() {
        if (longhorn != null) {
            longhorn.close();
        }
        cluster.close();
    }

    private SimulatedLonghorn longhorn(Consumer<SimulatedLonghorn.Builder> options) {
        SimulatedLonghorn.Builder b = SimulatedLonghorn.builder(cluster.simClient(), store).tick(Duration.ofMillis(15));
        options.accept(b);
        longhorn = b.build();
        return longhorn;
    }

    private LonghornCrdCatalog catalog(Duration syncWait, CatalogListener listener) {
        return LonghornCrdCatalog.builder().client(cluster.client()).syncWait(syncWait).pollInterval(Duration.ofMillis(20))
                .listener(listener).build();
    }

    private static final class Waits implements CatalogListener {
        final List<CatalogCompleteness> seen = new CopyOnWriteArrayList<>();

        @Override
        public void waitingForSync(CatalogCompleteness current, Duration waited, Duration bound) {
            seen.add(current);
        }
    }

    private List<GenericKubernetesResource> backupCrs() {
        return cluster.admin().genericKubernetesResources(Longhorn.BACKUPS).inNamespace(NS).list().getItems();
    }

    @Test
    void backupVolumesWithoutTheirBackupsAreSyncedOnRequestBeforeTheCatalogAnswers() {
        longhorn(b -> b.startUnsynced(true)).initialize();
        assertThat(cluster.admin().genericKubernetesResources(Longhorn.BACKUP_VOLUMES).inNamespace(NS).list().getItems())
                .hasSize(6); // every volume of the contract fixture
        assertThat(backupCrs()).isEmpty();
        longhorn.start();
        Waits waits = new Waits();

        try (LonghornCrdCatalog catalog = catalog(Duration.ofSeconds(30), waits)) {
            assertThat(catalog.listBackups("pvc-aaa")).as("the listing itself never waits").isEmpty();

            CatalogCompleteness c = catalog.completeness();

            assertThat(c.isComplete()).as("%s", c).isTrue();
            assertThat(waits.seen).isNotEmpty();
            assertThat(waits.seen.get(0).volumeGap("pvc-aaa")).hasValueSatisfying(g ->
                    assertThat(g).contains(CatalogFixture.A2).contains("no Backup object yet"));
            assertThat(catalog.newestCompleteBackup("pvc-aaa")).as("%s / %s / %s", catalog.findBackupVolume("pvc-aaa"),
                    catalog.listBackups("pvc-aaa"), longhorn.events()).map(Backup::name).contains(CatalogFixture.A2);
            assertThat(catalog.skippedEntries()).noneMatch(e -> e.reason() == SkippedEntry.Reason.NOT_SYNCED);
            assertThat(cluster.libraryWrites()).anySatisfy(w -> assertThat(w.path()).contains("/backupvolumes/"));
            assertThat(longhorn.volumeSyncs()).isPositive();
        }
    }

    @Test
    void aSyncThatNeverFinishesIsReportedPerVolumeWhenTheBoundPasses() {
        longhorn(b -> b.startUnsynced(true).ignoreSyncRequests(true)).start();
        Waits waits = new Waits();

        try (LonghornCrdCatalog catalog = catalog(Duration.ofMillis(300), waits)) {
            CatalogCompleteness c = catalog.completeness();
            CatalogScan scan = catalog.scanAll();

            assertThat(c.isComplete()).as("%s %s %s", c, longhorn.events(), cluster.admin().genericKubernetesResources(
                    Longhorn.BACKUP_VOLUMES).inNamespace(NS).list().getItems()).isFalse();
            assertThat(c.volumes()).containsOnlyKeys("pvc-aaa", "pvc-bbb", "pvc-ccc", "pvc-eee", "pvc-fff"); // every fixture volume with a backup
            assertThat(c.volumeGap("pvc-aaa")).hasValueSatisfying(g -> assertThat(g).contains(CatalogFixture.A2));
            assertThat(catalog.skippedEntries()).filteredOn(e -> e.reason() == SkippedEntry.Reason.NOT_SYNCED)
                    .extracting(SkippedEntry::location).contains("backup volume pvc-aaa", "backup volume pvc-ccc");
            assertThat(scan.completeness().isComplete()).isFalse();
            assertThat(scan.asCatalog("scan").completeness()).isEqualTo(scan.completeness());
            assertThat(scan.volumes()).extracting(BackupVolume::name).contains("pvc-aaa");
        }
    }

    @Test
    void aTargetThatNeverSyncedIsAskedToAndItsVolumesAppear() {
        longhorn(b -> { }).start();
        try (LonghornCrdCatalog catalog = catalog(Duration.ofSeconds(30), CatalogListener.NONE)) {
            assertThat(catalog.completeness().isComplete()).isTrue();
            assertThat(catalog.listBackupVolumes()).extracting(BackupVolume::name)
                    .containsExactly("pvc-aaa", "pvc-bbb", "pvc-ccc", "pvc-ddd", "pvc-eee", "pvc-fff");
            assertThat(longhorn.targetSyncs()).isPositive();
        }
    }

    @Test
    void aTargetLastSyncedBeforeTheRunIsSyncedAgainUnlessAnyFinishedSyncIsAccepted() {
        // a Longhorn that synced an hour ago
        try (SimulatedLonghorn earlier = SimulatedLonghorn.builder(cluster.simClient(), store)
                .clock(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofHours(-1))).build()) {
            earlier.syncNow();
        }
        try (LonghornCrdCatalog any = LonghornCrdCatalog.builder().client(cluster.client()).syncWait(Duration.ZERO)
                .syncedSince(Instant.EPOCH).build()) {
            assertThat(any.completeness().listsEveryVolume()).isTrue();
        }
        assertThat(cluster.libraryWrites()).as("no target sync asked for").noneMatch(w -> w.path().contains("/backuptargets/"));

        try (LonghornCrdCatalog fresh = catalog(Duration.ZERO, CatalogListener.NONE)) {
            CatalogCompleteness c = fresh.completeness();
            assertThat(c.listsEveryVolume()).isFalse();
            assertThat(c.reasons()).singleElement().satisfies(r -> assertThat(r)
                    .contains("BackupTarget " + NS + "/default last synced at").contains("before"));
        }
        longhorn(b -> { }).start();
        try (LonghornCrdCatalog fresh = catalog(Duration.ofSeconds(30), CatalogListener.NONE)) {
            assertThat(fresh.completeness().isComplete()).isTrue();
        }
        assertThat(longhorn.targetSyncs()).isPositive();
    }

    @Test
    void aMissingBackupTargetOrUnavailableOneIsACatalogWideGap() {
        try (LonghornCrdCatalog catalog = catalog(Duration.ZERO, CatalogListener.NONE)) {
            assertThat(catalog.completeness().reasons()).singleElement()
                    .satisfies(r -> assertThat(r).contains("BackupTarget " + NS + "/default does not exist yet"));
        }
        longhorn(b -> { }).syncNow();
        longhorn.backupTargetAvailable(false, "cannot reach s3://backups@us-east-1/");
        longhorn.syncNow(); // the simulated target controller tries again and notices
        try (LonghornCrdCatalog catalog = LonghornCrdCatalog.builder().client(cluster.client()).syncWait(Duration.ZERO)
                .syncedSince(Instant.EPOCH).build()) {
            assertThat(catalog.completeness().reasons()).singleElement()
                    .satisfies(r -> assertThat(r).contains("unavailable").contains("cannot reach"));
        }
    }

    @Test
    void aLastBackupNotInspectedYetKeepsItsVolumeIncomplete() {
        longhorn(b -> { }).syncNow();
        var backups = cluster.admin().genericKubernetesResources(Longhorn.BACKUPS).inNamespace(NS);
        GenericKubernetesResource a2 = backups.withName(CatalogFixture.A2).get();
        a2.setAdditionalProperty("status", new java.util.LinkedHashMap<>(Map.of("state", "")));
        backups.resource(a2).updateStatus();

        try (LonghornCrdCatalog catalog = LonghornCrdCatalog.builder().client(cluster.client()).syncWait(Duration.ZERO)
                .syncedSince(Instant.EPOCH).build()) {
            CatalogCompleteness c = catalog.completeness();
            assertThat(c.listsEveryVolume()).isTrue();
            assertThat(c.volumeGap("pvc-aaa")).hasValueSatisfying(g -> assertThat(g).contains(CatalogFixture.A2)
                    .contains("not inspected"));
            assertThat(c.volumes()).doesNotContainKey("pvc-ccc");
        }
    }

    @Test
    void aStorePointerNamingAMissingBackupIsNotASyncGapOnceASyncOfTheVolumeHasRun() {
        // pvc-bbb's pointer names a backup the store no longer has: a sync cannot make it appear
        longhorn(b -> { }).syncNow();
        longhorn.start();
        try (LonghornCrdCatalog catalog = catalog(Duration.ofSeconds(30), CatalogListener.NONE)) {
            CatalogCompleteness c = catalog.completeness();
            assertThat(c.isComplete()).as("%s; %s", c, cluster.allCalls().stream().filter(x -> !x.method().equals("GET"))
                    .map(x -> x + " " + x.body()).toList()).isTrue();
            assertThat(cluster.libraryWrites()).anySatisfy(w -> assertThat(w.path())
                    .endsWith("/backupvolumes/" + longhorn.backupVolumeName("pvc-bbb")));
        }
        GenericKubernetesResource bbb = cluster.admin().genericKubernetesResources(Longhorn.BACKUP_VOLUMES).inNamespace(NS)
                .withName(longhorn.backupVolumeName("pvc-bbb")).get();
        assertThat(Cr.str(bbb, "status", "lastBackupName")).isEqualTo(CatalogFixture.B_GONE);
    }

    @Test
    void aSyncRequestThatAnotherWriterReplacedIsAskedForAgainAtOnce() throws Exception {
        CrFixtures.writeTarget(cluster.admin(), "default", "s3://backups@us-east-1/", CrFixtures.SYNCED);
        BackupVolume v = BackupVolume.builder("pvc-x").size(1L << 30).createdAt(Instant.parse("2026-11-01T00:00:00Z"))
                .lastBackup("backup-0000000000000009", Instant.parse("2026-11-19T00:00:00Z")).build();
        CrFixtures.writeVolume(cluster.admin(), v, "default");
        String cr = CrFixtures.hashedName("pvc-x", "default");
        var bvs = cluster.admin().genericKubernetesResources(Longhorn.BACKUP_VOLUMES).inNamespace(NS);
        try (LonghornCrdCatalog catalog = LonghornCrdCatalog.builder().client(cluster.client()).syncWait(Duration.ZERO)
                .syncedSince(Instant.EPOCH).build()) {
            assertThat(catalog.completeness().volumeGap("pvc-x")).hasValueSatisfying(g -> assertThat(g).contains("no Backup object"));
            assertThat(cluster.libraryWrites()).filteredOn(w -> w.path().endsWith("/backupvolumes/" + cr)).hasSize(1);
            // Longhorn's target sync sets every BackupVolume's syncRequestedAt to its own time, here not later than
            // the volume's last sync: the request is gone and Longhorn will not sync the volume
            GenericKubernetesResource r = bvs.withName(cr).get();
            Cr.section(r, "spec").put("syncRequestedAt", CrFixtures.SYNCED);
            bvs.resource(r).update();

            catalog.completeness();

            assertThat(cluster.libraryWrites()).as("asked again without waiting for the resync interval")
                    .filteredOn(w -> w.path().endsWith("/backupvolumes/" + cr)).hasSize(2);
        }
    }
}
