package io.drkit.longhorn;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.catalog.CatalogCompleteness;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.contract.CatalogFixture;
import io.drkit.core.model.Backup;
import io.drkit.longhorn.testing.LonghornSimulator;
import io.drkit.longhorn.testing.LonghornVersion;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The REST catalog while Longhorn's view is still filling in, on the Longhorn REST simulator: backup volumes listed
 * with their last-backup pointer before their backups are known.
 */
class LonghornBackupCatalogSyncTest {
    private LonghornSimulator sim;
    private LonghornClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    private LonghornBackupCatalog catalog(LonghornVersion v, Duration syncWait, CatalogListener listener) {
        sim = LonghornSimulator.start(v);
        LonghornBackupCatalogContractTest.load(sim, CatalogFixture.standard());
        client = SimulatedLonghorn.testClient(sim.baseUrl()).build();
        return LonghornBackupCatalog.builder(client).syncWait(syncWait).pollInterval(Duration.ofMillis(10))
                .listener(listener).build();
    }

    private static final class Waits implements CatalogListener {
        final List<CatalogCompleteness> seen = new CopyOnWriteArrayList<>();

        @Override
        public void waitingForSync(CatalogCompleteness current, Duration waited, Duration bound) {
            seen.add(current);
        }
    }

    @Test
    void backupsNotListedYetAreSyncedOnRequestBeforeTheCatalogAnswers() {
        Waits waits = new Waits();
        try (LonghornBackupCatalog catalog = catalog(LonghornVersion.V1_9, Duration.ofSeconds(30), waits)) {
            sim.unsyncedBackups(Long.MAX_VALUE);
            assertThat(catalog.listBackups("pvc-aaa")).as("the listing itself never waits").isEmpty();

            CatalogCompleteness c = catalog.completeness();

            assertThat(c.isComplete()).as("%s", c).isTrue();
            assertThat(waits.seen).isNotEmpty();
            assertThat(waits.seen.get(0).volumeGap("pvc-aaa")).hasValueSatisfying(g ->
                    assertThat(g).contains(CatalogFixture.A2).contains("not listed by Longhorn yet"));
            assertThat(sim.syncRequests()).isPositive();
            assertThat(catalog.newestCompleteBackup("pvc-aaa")).map(Backup::name).contains(CatalogFixture.A2);
            assertThat(catalog.skippedEntries()).noneMatch(e -> e.reason() == SkippedEntry.Reason.NOT_SYNCED);
        }
    }

    @Test
    void backupsASyncDoesNotBringAreWaitedForUntilLonghornsOwnPoll() {
        try (LonghornBackupCatalog catalog = catalog(LonghornVersion.V1_7, Duration.ofSeconds(30), CatalogListener.NONE)) {
            sim.syncNeverFinishes(true).unsyncedBackups(40);

            CatalogCompleteness c = catalog.completeness();

            assertThat(c.isComplete()).as("%s", c).isTrue();
            assertThat(catalog.newestCompleteBackup("pvc-bbb")).map(Backup::name).contains(CatalogFixture.B2);
        }
    }

    @Test
    void aSyncThatNeverFinishesIsReportedPerVolumeWhenTheBoundPasses() {
        Waits waits = new Waits();
        try (LonghornBackupCatalog catalog = catalog(LonghornVersion.V1_9, Duration.ofMillis(200), waits)) {
            sim.syncNeverFinishes(true).unsyncedBackups(Long.MAX_VALUE);

            CatalogCompleteness c = catalog.completeness();
            CatalogScan scan = catalog.scanAll();

            assertThat(c.isComplete()).isFalse();
            assertThat(c.listsEveryVolume()).isTrue();
            assertThat(c.volumes()).containsOnlyKeys("pvc-aaa", "pvc-bbb", "pvc-ccc", "pvc-eee", "pvc-fff"); // every fixture volume with a backup
            assertThat(c.volumeGap("pvc-aaa")).hasValueSatisfying(g -> assertThat(g).contains(CatalogFixture.A2)
                    .contains("no backup of this volume is"));
            assertThat(sim.syncRequests()).isPositive();
            assertThat(catalog.skippedEntries()).filteredOn(e -> e.reason() == SkippedEntry.Reason.NOT_SYNCED)
                    .extracting(SkippedEntry::location).contains("backup volume pvc-aaa");
            assertThat(scan.completeness()).isEqualTo(c);
        }
    }

    @Test
    void aStorePointerNamingAMissingBackupIsNotAGapWhenEveryOtherBackupIsListed() {
        try (LonghornBackupCatalog catalog = catalog(LonghornVersion.V1_9, Duration.ZERO, CatalogListener.NONE)) {
            // pvc-bbb's pointer names a backup the store no longer has; its two backups are listed and inspected
            assertThat(catalog.completeness().isComplete()).isTrue();
            assertThat(sim.syncRequests()).isZero();
        }
    }

    @Test
    void aLastBackupNotInspectedOrAVolumeNeverSyncedIsAGap() {
        try (LonghornBackupCatalog catalog = catalog(LonghornVersion.V1_9, Duration.ZERO, CatalogListener.NONE)) {
            sim.backup("pvc-ccc", "backup-cccc000000000009").state("").publish();
            sim.backupVolume("pvc-ccc", "default", 512L << 20, java.util.Map.of(), "backup-cccc000000000009", "");
            sim.backupVolumeNeverSynced("pvc-eee", "default");

            CatalogCompleteness c = catalog.completeness();

            assertThat(c.volumeGap("pvc-ccc")).hasValueSatisfying(g -> assertThat(g).contains("not inspected"));
            assertThat(c.volumeGap("pvc-eee")).hasValueSatisfying(g -> assertThat(g).contains("never synced"));
            assertThat(c.volumes()).containsOnlyKeys("pvc-ccc", "pvc-eee");
        }
    }

    @Test
    void aBackupTargetLonghornCannotReachIsACatalogWideGap() {
        try (LonghornBackupCatalog catalog = catalog(LonghornVersion.V1_9, Duration.ZERO, CatalogListener.NONE)) {
            sim.backupTarget("default", LonghornSimulator.DEFAULT_TARGET_URL, false, "cannot list s3://backups");
            assertThat(catalog.completeness().reasons()).singleElement().satisfies(r ->
                    assertThat(r).contains("backup target default").contains("unavailable: cannot list s3://backups"));
        }
        try (LonghornBackupCatalog other = LonghornBackupCatalog.builder(client).backupTarget("offsite")
                .syncWait(Duration.ZERO).build()) {
            assertThat(other.completeness().reasons()).singleElement()
                    .satisfies(r -> assertThat(r).contains("has no backup target offsite"));
        }
    }
}
