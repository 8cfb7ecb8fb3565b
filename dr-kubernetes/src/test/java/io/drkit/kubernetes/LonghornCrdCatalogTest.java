package io.drkit.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.UnavailableException;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupState;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.CompressionMethod;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;

/** Longhorn-specific behaviour of the CRD catalog beyond the dr-core contract. */
class LonghornCrdCatalogTest {
    private static final BackupTarget S3 = BackupTarget.parse("s3://backups@us-east-1/");
    private static final BackupTarget OFFSITE = BackupTarget.parse("s3://offsite@eu-west-1/dr/");
    private static final Instant T = Instant.parse("2026-11-20T03:00:00Z");

    private MockCluster cluster;

    @BeforeEach
    void start() {
        cluster = MockCluster.start();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private static BackupVolume volume(String name) {
        return BackupVolume.builder(name).size(2L << 30).createdAt(T).lastBackup("backup-1111000000000001", T)
                .storageClassName("longhorn").build();
    }

    private static Backup backup(String volume, String name, BackupTarget target, Instant at) {
        return Backup.builder(name, volume).snapshotName("snap-" + name).snapshotCreatedAt(at).completedAt(at.plusSeconds(30))
                .size(1L << 20).volumeSize(2L << 30).compression(CompressionMethod.LZ4).url(target.backupUrl(name, volume))
                .parameters(Map.of("backup-mode", "incremental")).build();
    }

    private LonghornCrdCatalog catalog(Consumer<LonghornCrdCatalog.Builder> options) {
        LonghornCrdCatalog.Builder b = LonghornCrdCatalog.builder().client(cluster.client());
        options.accept(b);
        return b.build();
    }

    private GenericKubernetesResource edit(GenericKubernetesResource r, String section, Map<String, Object> values) {
        var op = cluster.admin().genericKubernetesResources(r.getKind().equals("Backup") ? CrFixtures.BACKUP : CrFixtures.BV)
                .inNamespace(CrFixtures.NS);
        GenericKubernetesResource cur = op.withName(r.getMetadata().getName()).get();
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) cur.getAdditionalProperties().get(section));
        m.putAll(values);
        cur.setAdditionalProperty(section, m);
        return section.equals("status") ? op.resource(cur).updateStatus() : op.resource(cur).update();
    }

    @Test
    void readsOnlyTheChosenBackupTargetOnLonghorn18AndLater() throws Exception {
        CrFixtures.writeVolume(cluster.admin(), volume("pvc-a"), "default");
        CrFixtures.writeVolume(cluster.admin(), volume("pvc-a"), "offsite");
        CrFixtures.writeBackup(cluster.admin(), backup("pvc-a", "backup-1111000000000001", S3, T), "default");
        CrFixtures.writeBackup(cluster.admin(), backup("pvc-a", "backup-2222000000000001", OFFSITE, T.plusSeconds(3600)), "offsite");

        try (LonghornCrdCatalog def = catalog(b -> { }); LonghornCrdCatalog off = catalog(b -> b.backupTarget("offsite"))) {
            assertThat(def.listBackupVolumes()).extracting(BackupVolume::backendId)
                    .containsExactly(CrFixtures.hashedName("pvc-a", "default"));
            assertThat(def.listBackups("pvc-a")).extracting(Backup::name).containsExactly("backup-1111000000000001");
            assertThat(off.listBackupVolumes()).extracting(BackupVolume::backendId)
                    .containsExactly(CrFixtures.hashedName("pvc-a", "offsite"));
            assertThat(off.newestCompleteBackup("pvc-a")).map(Backup::name).contains("backup-2222000000000001");
            assertThat(off.describe()).contains("backup target offsite").contains("longhorn-system");
        }
    }

    @Test
    void readingEveryTargetKeepsOneVolumePerNameAndReportsTheDuplicate() throws Exception {
        CrFixtures.writeVolume(cluster.admin(), volume("pvc-a"), "default");
        CrFixtures.writeVolume(cluster.admin(), volume("pvc-a"), "offsite");
        try (LonghornCrdCatalog any = catalog(LonghornCrdCatalog.Builder::anyBackupTarget)) {
            assertThat(any.listBackupVolumes()).extracting(BackupVolume::name).containsExactly("pvc-a");
            assertThat(any.skippedEntries()).singleElement().satisfies(s -> {
                assertThat(s.reason()).isEqualTo(SkippedEntry.Reason.INVALID_DATA);
                assertThat(s.detail()).contains("duplicate");
            });
        }
    }

    @Test
    void findsVolumesOfUpgradedClustersByTheirRecordedVolumeName() throws Exception {
        // 1.8.0-1.9.0 named new BackupVolumes <volume>-<random>; upgraded CRs keep plain names; both carry spec.volumeName
        GenericKubernetesResource random = CrFixtures.writeVolume(cluster.admin(), volume("pvc-b"), "default");
        assertThat(random.getMetadata().getName()).startsWith("pvc-b-");
        CrFixtures.writeVolume(cluster.admin(), volume("pvc-c"), null);
        try (LonghornCrdCatalog c = catalog(b -> { })) {
            assertThat(c.listBackupVolumes()).extracting(BackupVolume::name).containsExactly("pvc-b", "pvc-c");
            assertThat(c.getBackupVolume("pvc-b").backendId()).isEqualTo(random.getMetadata().getName());
            assertThat(c.getBackupVolume("pvc-c").backendId()).isEqualTo("pvc-c");
        }
    }

    @Test
    void skipsBackupVolumesLonghornCannotRead() throws Exception {
        GenericKubernetesResource bad = CrFixtures.writeVolume(cluster.admin(), volume("pvc-bad"), "default");
        CrFixtures.writeVolume(cluster.admin(), volume("pvc-good"), "default");
        edit(bad, "status", Map.of("messages", Map.of("error", "failed to inspect volume.cfg")));
        try (LonghornCrdCatalog c = catalog(b -> { })) {
            assertThat(c.listBackupVolumes()).extracting(BackupVolume::name).containsExactly("pvc-good");
            assertThat(c.findBackupVolume("pvc-bad")).isEmpty();
            assertThat(c.skippedEntries()).singleElement().satisfies(s -> {
                assertThat(s.reason()).isEqualTo(SkippedEntry.Reason.BACKEND_ERROR);
                assertThat(s.location()).contains(bad.getMetadata().getName());
                assertThat(s.detail()).contains("failed to inspect volume.cfg");
            });
        }
    }

    @Test
    void aCompletedBackupWithoutUrlIsNeverARestoreCandidate() throws Exception {
        CrFixtures.writeVolume(cluster.admin(), volume("pvc-a"), "default");
        CrFixtures.writeBackup(cluster.admin(), backup("pvc-a", "backup-1111000000000001", S3, T), "default");
        GenericKubernetesResource newer = CrFixtures.writeBackup(cluster.admin(),
                backup("pvc-a", "backup-1111000000000002", S3, T.plusSeconds(86400)), "default");
        edit(newer, "status", Map.of("url", ""));
        try (LonghornCrdCatalog c = catalog(b -> { })) {
            Backup b2 = c.getBackup("pvc-a", "backup-1111000000000002");
            assertThat(b2.state()).isEqualTo(BackupState.COMPLETED);
            assertThat(b2.isComplete()).isFalse();
            assertThat(c.newestCompleteBackup("pvc-a")).map(Backup::name).contains("backup-1111000000000001");
            assertThat(c.newestCompleteBackups()).containsOnlyKeys("pvc-a");
        }
    }

    @Test
    void skipsMalformedBackupCrsAndKeepsTheRest() throws Exception {
        CrFixtures.writeVolume(cluster.admin(), volume("pvc-a"), "default");
        CrFixtures.writeBackup(cluster.admin(), backup("pvc-a", "backup-1111000000000001", S3, T), "default");
        GenericKubernetesResource bad = CrFixtures.writeBackup(cluster.admin(),
                backup("pvc-a", "backup-1111000000000002", S3, T.plusSeconds(60)), "default");
        edit(bad, "status", Map.of("volumeSize", "two gigabytes"));
        try (LonghornCrdCatalog c = catalog(b -> { })) {
            assertThat(c.listBackups("pvc-a")).extracting(Backup::name).containsExactly("backup-1111000000000001");
            assertThat(c.skippedEntries()).singleElement().satisfies(s -> {
                assertThat(s.reason()).isEqualTo(SkippedEntry.Reason.INVALID_DATA);
                assertThat(s.location()).isEqualTo("Backup longhorn-system/backup-1111000000000002");
                assertThat(s.detail()).contains("volumeSize");
            });
        }
    }

    @ParameterizedTest(name = "url {0}")
    @ValueSource(strings = {"s3://backups@us-east-1/", "s3://backups@us-east-1/?backup=backup-1111000000000002&token=TOK9&volume=pvc-a"})
    void aBackupCrWhoseUrlIsNoUsableBackupUrlIsSkippedAsInvalidDataWhereItIsRead(String url) throws Exception {
        CrFixtures.writeVolume(cluster.admin(), volume("pvc-a"), "default");
        CrFixtures.writeBackup(cluster.admin(), backup("pvc-a", "backup-1111000000000001", S3, T), "default");
        GenericKubernetesResource bad = CrFixtures.writeBackup(cluster.admin(),
                backup("pvc-a", "backup-1111000000000002", S3, T.plusSeconds(60)), "default");
        edit(bad, "status", Map.of("url", url));
        try (LonghornCrdCatalog c = catalog(b -> { })) {
            assertThat(c.newestCompleteBackup("pvc-a")).map(Backup::name).contains("backup-1111000000000001");
            assertThat(c.skippedEntries()).singleElement().satisfies(s -> {
                assertThat(s.reason()).isEqualTo(SkippedEntry.Reason.INVALID_DATA);
                assertThat(s.location()).isEqualTo("Backup longhorn-system/backup-1111000000000002");
                assertThat(s.detail()).contains("status.url").doesNotContain("TOK9");
            });
        }
    }

    @Test
    void mapsTheFieldsOfABackupCr() throws Exception {
        CrFixtures.writeVolume(cluster.admin(), volume("pvc-a"), "default");
        GenericKubernetesResource b = CrFixtures.writeBackup(cluster.admin(), backup("pvc-a", "backup-1111000000000001", S3, T), "default");
        edit(b, "spec", Map.of("backupBlockSize", "16777216"));
        edit(b, "status", Map.of("snapshotCreatedAt", "2026-11-20 03:00:00.5 +0000 UTC", "error", ""));
        try (LonghornCrdCatalog c = catalog(x -> { })) {
            Backup got = c.getBackup("pvc-a", "backup-1111000000000001");
            assertThat(got.snapshotCreatedAt()).contains(Instant.parse("2026-11-20T03:00:00.5Z"));
            assertThat(got.completedAt()).contains(T.plusSeconds(30));
            assertThat(got.blockSize()).isEqualTo(16L << 20);
            assertThat(got.parameters()).containsEntry("backup-mode", "incremental").containsEntry("backup-block-size", "16777216");
            assertThat(got.compression()).isEqualTo(CompressionMethod.LZ4);
            assertThat(got.url()).contains(S3.backupUrl("backup-1111000000000001", "pvc-a"));
            assertThat(c.getBackupVolume("pvc-a").compression()).isEqualTo(CompressionMethod.LZ4);
        }
    }

    @Test
    void seesNewBackupsWithoutReopening() throws Exception {
        CrFixtures.writeVolume(cluster.admin(), volume("pvc-a"), "default");
        try (LonghornCrdCatalog c = catalog(b -> { })) {
            assertThat(c.listBackups("pvc-a")).isEmpty();
            CrFixtures.writeBackup(cluster.admin(), backup("pvc-a", "backup-1111000000000001", S3, T), "default");
            assertThat(c.listBackups("pvc-a")).hasSize(1);
        }
    }

    @Test
    void translatesAForbiddenListIntoUnavailableNamingTheResource() {
        cluster.fail(call -> call.path().endsWith("/backupvolumes"), 403, "backupvolumes is forbidden", 1);
        try (LonghornCrdCatalog c = catalog(b -> { })) {
            assertThatThrownBy(c::listBackupVolumes).isInstanceOf(UnavailableException.class)
                    .hasMessageContaining("BackupVolumes").hasMessageContaining("403").hasMessageContaining("rbac.yaml")
                    .satisfies(e -> assertThat(((UnavailableException) e).status()).hasValue(403));
        }
    }

    @Test
    void neverClosesTheCallersClient() {
        LonghornCrdCatalog c = catalog(b -> { });
        c.close();
        c.close();
        assertThat(cluster.client().genericKubernetesResources(CrFixtures.BV).inNamespace(CrFixtures.NS).list().getItems()).isEmpty();
        assertThat(List.of(c.describe())).allMatch(s -> s.contains("Longhorn CRDs"));
    }
}
