package io.drkit.core.contract;

import static io.drkit.core.contract.CatalogFixture.A1;
import static io.drkit.core.contract.CatalogFixture.A2;
import static io.drkit.core.contract.CatalogFixture.A3;
import static io.drkit.core.contract.CatalogFixture.B1;
import static io.drkit.core.contract.CatalogFixture.B2;
import static io.drkit.core.contract.CatalogFixture.C1;
import static io.drkit.core.contract.CatalogFixture.E1;
import static io.drkit.core.contract.CatalogFixture.E2;
import static io.drkit.core.contract.CatalogFixture.F1;
import static io.drkit.core.contract.CatalogFixture.F2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.BackupCatalog;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.catalog.NewestBackupRule;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.model.KubernetesStatus;
import io.drkit.core.model.PvcRef;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link BackupCatalog} must have. A backend's test subclasses it and materialises
 * {@link CatalogFixture#standard()} (or {@code standard(target)}) in its own form in {@link #createCatalog}.
 */
public abstract class BackupCatalogContractTest {

    /** The fixture this test run uses. */
    protected CatalogFixture fixture;
    /** The catalog under test. */
    protected BackupCatalog catalog;

    /** The fixture to materialise; override to use another target URL. */
    protected CatalogFixture fixture() {
        return CatalogFixture.standard();
    }

    /** Creates a catalog whose backend holds exactly {@code fixture}. */
    protected abstract BackupCatalog createCatalog(CatalogFixture fixture) throws Exception;

    @BeforeEach
    void openCatalog() throws Exception {
        fixture = fixture();
        catalog = createCatalog(fixture);
    }

    @AfterEach
    void closeCatalog() {
        if (catalog != null) {
            catalog.close();
        }
    }

    @Test
    void aBackendHoldingTheWholeFixtureHasACompleteView() {
        assertThat(catalog.completeness().isComplete()).as("%s", catalog.completeness()).isTrue();
        assertThat(catalog.scanAll().completeness().isComplete()).isTrue();
        assertThat(catalog.skippedEntries()).noneMatch(e -> e.reason() == io.drkit.core.catalog.SkippedEntry.Reason.NOT_SYNCED);
    }

    @Test
    void listsEveryVolumeSortedByName() {
        assertThat(catalog.listBackupVolumes()).extracting(BackupVolume::name)
                .containsExactly("pvc-aaa", "pvc-bbb", "pvc-ccc", "pvc-ddd", "pvc-eee", "pvc-fff");
    }

    @Test
    void volumesCarrySizeCompressionAndPvcMapping() {
        BackupVolume a = catalog.getBackupVolume("pvc-aaa");
        assertThat(a.size()).isEqualTo(1L << 30);
        assertThat(a.compression()).isEqualTo(CompressionMethod.LZ4);
        assertThat(a.kubernetesStatus().flatMap(KubernetesStatus::pvc)).contains(PvcRef.of("shop", "db-data"));
        BackupVolume b = catalog.getBackupVolume("pvc-bbb");
        assertThat(b.compression()).isEqualTo(CompressionMethod.GZIP);
        assertThat(b.storageClassName()).contains("longhorn-slow");
        assertThat(catalog.getBackupVolume("pvc-ccc").kubernetesStatus()).isEmpty();
    }

    @Test
    void listsCompleteBackupsNewestFirstAndIncompleteOnesAsNotComplete() {
        List<Backup> backups = catalog.listBackups("pvc-aaa");
        assertThat(backups).extracting(Backup::name).contains(A1, A2, A3);
        assertThat(backups.stream().filter(Backup::isComplete).map(Backup::name)).containsExactly(A2, A1);
        assertThat(backups.stream().filter(b -> b.name().equals(A3)).findFirst().orElseThrow().isComplete()).isFalse();
    }

    @Test
    void completeBackupsCarryTimesSizesAndAUsableUrl() {
        Backup a2 = catalog.getBackup("pvc-aaa", A2);
        assertThat(a2.volumeName()).isEqualTo("pvc-aaa");
        assertThat(a2.snapshotCreatedAt()).contains(CatalogFixture.T2);
        assertThat(a2.completedAt()).isPresent();
        assertThat(a2.size()).isEqualTo(6L << 20);
        assertThat(a2.volumeSize() == 1L << 30 || catalog.getBackupVolume("pvc-aaa").size() == 1L << 30).isTrue();
        BackupUrl url = a2.url().orElseThrow();
        assertThat(url.backupName()).isEqualTo(A2);
        assertThat(url.volumeName()).isEqualTo("pvc-aaa");
    }

    @Test
    void backupsCarryPvcMappingAndRecurringJobGroups() {
        Backup a2 = catalog.getBackup("pvc-aaa", A2);
        assertThat(a2.kubernetesStatus().flatMap(KubernetesStatus::pvc)).contains(PvcRef.of("shop", "db-data"));
        assertThat(a2.recurringJobInfo().groups().contains("critical")
                || catalog.getBackupVolume("pvc-aaa").recurringJobInfo().groups().contains("critical")).isTrue();
    }

    @Test
    void newestCompleteBackupIgnoresInProgressBackups() {
        assertThat(catalog.newestCompleteBackup("pvc-aaa")).map(Backup::name).contains(A2);
    }

    @Test
    void newestCompleteBackupIgnoresAStalePointer() {
        assertThat(catalog.newestCompleteBackup("pvc-bbb")).map(Backup::name).contains(B2);
    }

    @Test
    void newestCompleteBackupsCoversEveryVolumeThatHasOne() {
        Map<String, Backup> newest = catalog.newestCompleteBackups();
        assertThat(newest).containsOnlyKeys("pvc-aaa", "pvc-bbb", "pvc-ccc", "pvc-eee", "pvc-fff");
        assertThat(newest.get("pvc-aaa").name()).isEqualTo(A2);
        assertThat(newest.get("pvc-bbb").name()).isEqualTo(B2);
        assertThat(newest.get("pvc-ccc").name()).isEqualTo(C1);
        assertThat(newest.get("pvc-eee").name()).isEqualTo(E2);
        assertThat(newest.get("pvc-fff").name()).isEqualTo(F1);
        assertThat(newest.values()).allMatch(Backup::isComplete);
    }

    @Test
    void newestCompleteBackupIgnoresAPointerThatLagsBehind() {
        assertThat(catalog.getBackupVolume("pvc-eee").lastBackupName()).contains(E1);
        assertThat(catalog.newestCompleteBackup("pvc-eee")).map(Backup::name).contains(E2);
    }

    @Test
    void newestCompleteBackupIgnoresAPointerToAnInProgressBackup() {
        assertThat(catalog.getBackupVolume("pvc-fff").lastBackupName()).contains(F2);
        assertThat(catalog.newestCompleteBackup("pvc-fff")).map(Backup::name).contains(F1);
    }

    @Test
    void everyNewestBackupPathReturnsWhatTheRuleReturnsOnTheListing() {
        Map<String, Backup> byRule = new java.util.TreeMap<>();
        for (BackupVolume v : catalog.listBackupVolumes()) {
            NewestBackupRule.newestComplete(catalog.listBackups(v.name())).ifPresent(b -> byRule.put(v.name(), b));
        }
        assertThat(byRule).containsOnlyKeys("pvc-aaa", "pvc-bbb", "pvc-ccc", "pvc-eee", "pvc-fff");
        assertThat(names(catalog.newestCompleteBackups())).isEqualTo(names(byRule));
        assertThat(names(catalog.newestCompleteBackupsOf(catalog.listBackupVolumes()))).isEqualTo(names(byRule));
        for (BackupVolume v : catalog.listBackupVolumes()) {
            assertThat(catalog.newestCompleteBackup(v.name()).map(Backup::name))
                    .as("newestCompleteBackup(%s)", v.name()).isEqualTo(java.util.Optional.ofNullable(byRule.get(v.name()))
                            .map(Backup::name));
        }
    }

    private static Map<String, String> names(Map<String, Backup> backups) {
        Map<String, String> out = new java.util.TreeMap<>();
        backups.forEach((v, b) -> out.put(v, b.name()));
        return out;
    }

    @Test
    void newestOfListedVolumesAgreesWithTheCheapPath() {
        Map<String, Backup> all = catalog.newestCompleteBackups();
        List<BackupVolume> volumes = catalog.listBackupVolumes();
        assertThat(catalog.newestCompleteBackupsOf(volumes)).isEqualTo(all);
        assertThat(catalog.newestCompleteBackupsOf(volumes.stream().filter(v -> v.name().equals("pvc-bbb")).toList()))
                .containsOnlyKeys("pvc-bbb");
    }

    @Test
    void volumeWithoutBackupsHasNoNewestBackup() {
        assertThat(catalog.listBackups("pvc-ddd").stream().filter(Backup::isComplete)).isEmpty();
        assertThat(catalog.newestCompleteBackup("pvc-ddd")).isEmpty();
    }

    @Test
    void findReturnsEmptyAndGetThrowsForUnknownNames() {
        assertThat(catalog.findBackupVolume("pvc-nope")).isEmpty();
        assertThat(catalog.findBackup("pvc-aaa", "backup-ffff00000000ffff")).isEmpty();
        assertThat(catalog.findBackup("pvc-nope", A1)).isEmpty();
        assertThatThrownBy(() -> catalog.getBackupVolume("pvc-nope")).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("pvc-nope");
        assertThatThrownBy(() -> catalog.getBackup("pvc-aaa", "backup-ffff00000000ffff"))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("backup-ffff00000000ffff");
        assertThatThrownBy(() -> catalog.listBackups("pvc-nope")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void findsBackupsByName() {
        assertThat(catalog.findBackup("pvc-bbb", B1)).map(Backup::name).contains(B1);
        assertThat(catalog.getBackup("pvc-ccc", C1).isComplete()).isTrue();
    }

    @Test
    void fullScanAgreesWithListingAndReportsProgress() {
        AtomicInteger scanned = new AtomicInteger();
        CatalogScan scan = catalog.scanAll(new CatalogListener() {
            @Override
            public void volumeScanned(String volumeName, int done, int total) {
                scanned.incrementAndGet();
            }
        });
        assertThat(scan.volumes()).extracting(BackupVolume::name).containsExactly("pvc-aaa", "pvc-bbb", "pvc-ccc", "pvc-ddd",
                "pvc-eee", "pvc-fff");
        assertThat(scanned.get()).isEqualTo(6);
        assertThat(scan.backupsOf("pvc-aaa").stream().filter(Backup::isComplete).map(Backup::name)).containsExactly(A2, A1);
        assertThat(scan.backupsOf("pvc-bbb").stream().filter(Backup::isComplete).map(Backup::name)).containsExactly(B2, B1);
    }

    @Test
    void changeRatesCompareEachCompleteBackupWithTheOneBeforeIt() {
        if (!(catalog instanceof io.drkit.core.catalog.ChangeRateSource source)) {
            return; // an optional capability
        }
        List<io.drkit.core.catalog.ChangeRate> a = source.changeRates("pvc-aaa", A2, 5);
        assertThat(a).extracting(io.drkit.core.catalog.ChangeRate::backupName).containsExactly(A2, A1);
        assertThat(a.get(0).previousBackup()).contains(A1);
        assertThat(a.get(0).isKnown() ? a.get(0).fraction() : 0.5).isBetween(0.0, 1.0);
        assertThat(a.get(1).isKnown()).as("the first backup of a volume has nothing to compare with").isFalse();
        assertThat(source.changeRates("pvc-aaa", A2, 1)).hasSize(1);
        assertThat(source.changeRate("pvc-bbb", B2).previousBackup()).contains(B1);
        assertThat(source.changeRate("pvc-aaa", A3).isKnown()).as("an in-progress backup").isFalse();
        assertThat(source.changeRate("pvc-fff", F1).isKnown()).isFalse();
        assertThatThrownBy(() -> source.changeRate("pvc-aaa", "backup-ffff00000000ffff"))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> source.changeRate("pvc-nope", A1)).isInstanceOf(NotFoundException.class);
    }

    @Test
    void describeNamesTheSourceAndCloseIsIdempotent() {
        assertThat(catalog.describe()).isNotBlank();
        catalog.close();
        catalog.close();
    }
}
