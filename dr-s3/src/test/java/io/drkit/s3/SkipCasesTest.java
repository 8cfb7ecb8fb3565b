package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.UnavailableException;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.catalog.SkippedEntry.Reason;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupState;
import io.drkit.core.model.BackupVolume;
import io.drkit.s3.testing.BackupstoreWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every entry the catalog must skip instead of failing, each reported with its key and reason. */
class SkipCasesTest {
    private static final Instant T1 = Instant.parse("2026-11-01T03:00:00Z");
    private static final Instant T2 = Instant.parse("2026-11-08T03:00:00Z");

    private record Fixture(Map<String, Reason> expected, String unreadable) {
    }

    private static Fixture write(BackupstoreWriter w) {
        Map<String, Reason> expected = new TreeMap<>();
        BackupstoreLayout l = w.layout();
        BackupstoreWriter.VolumeWriter good = w.volume("pvc-good").size(64L << 20).metadataOnly();
        good.backup("backup-good000000000001", T1, c -> c.random(0));
        good.backup("backup-good000000000003", T1.plusSeconds(3600), c -> c.random(2 << 20));
        expected.put(good.inProgressBackup("backup-good000000000002", T2).cfgKey(), Reason.IN_PROGRESS);
        expected.put(w.invalidJsonBackup("pvc-good", "backup-broken0000000001"), Reason.INVALID_DATA);
        expected.put(w.invalidBackupFileName("pvc-good"), Reason.INVALID_NAME);
        expected.put(w.tempFile("pvc-good"), Reason.TEMP_FILE);
        String mismatched = l.backupCfg("pvc-good", "backup-other00000000001");
        w.put(mismatched, ("{\"Name\":\"backup-somethingelse1\",\"VolumeName\":\"pvc-good\",\"CreatedTime\":\"2026-11-01T03:00:00Z\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        expected.put(mismatched, Reason.INVALID_DATA);
        expected.put(w.dsStore(), Reason.INVALID_NAME);
        expected.put(w.oneCharVolumeDir(), Reason.INVALID_NAME);
        expected.put(w.backingImageLockDir(), Reason.NO_VOLUME_CFG);
        expected.put(w.volumeDirWithoutCfg("pvc-deleted"), Reason.NO_VOLUME_CFG);
        expected.put(w.misplacedVolumeDir("pvc-misplaced"), Reason.INVALID_NAME);
        expected.put(w.systemBackup("v1.8.1", "system-backup-1", T1), Reason.NOT_A_VOLUME_BACKUP);
        expected.put(w.backingImage("bi-ubuntu", T1), Reason.NOT_A_VOLUME_BACKUP);
        expected.put(l.backingImagesRoot() + "blocks/", Reason.NOT_A_VOLUME_BACKUP);
        w.put(l.volumeCfg("pvc-badcfg"), "{\"Name\":\"pvc-badcfg\",\"Size\":".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        expected.put(l.volumeCfg("pvc-badcfg"), Reason.INVALID_DATA);
        w.lock("pvc-good");
        BackupstoreWriter.VolumeWriter locked = w.volume("pvc-locked").size(64L << 20).metadataOnly();
        locked.backup("backup-lock0000000000001", T1, c -> c.random(0));
        String unreadable = locked.backup("backup-lock0000000000002", T2, c -> c.random(0)).cfgKey();
        expected.put(unreadable, Reason.UNREADABLE);
        return new Fixture(expected, unreadable);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void aFullScanReportsEverySkippedEntryWithItsKeyAndReason(Stores kind) {
        try (Stores.Store store = kind.create()) {
            Fixture f = write(BackupstoreWriter.create(store.source(), store.target(), 3));
            FaultyObjectSource faulty = new FaultyObjectSource(store.source()).fail(RequestKind.GET, f.unreadable()::equals,
                    () -> new UnavailableException("S3 refused access (HTTP 403 AccessDenied) to " + f.unreadable(), 403, null), -1);
            List<SkippedEntry> heard = new CopyOnWriteArrayList<>();
            List<SkippedEntry> heardByCatalog = new CopyOnWriteArrayList<>();
            try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(faulty, store.target()).concurrency(4)
                    .listener(new CatalogListener() {
                        @Override
                        public void entrySkipped(SkippedEntry entry) {
                            heardByCatalog.add(entry);
                        }
                    }).build()) {
                CatalogScan scan = catalog.scanAll(new CatalogListener() {
                    @Override
                    public void entrySkipped(SkippedEntry entry) {
                        heard.add(entry);
                    }
                });
                Map<String, Reason> reported = new TreeMap<>();
                scan.skipped().forEach(s -> reported.put(s.location(), s.reason()));
                assertThat(reported).isEqualTo(f.expected());
                assertThat(scan.skipped()).allSatisfy(s -> assertThat(s.detail()).isNotBlank());
                assertThat(heard).containsExactlyInAnyOrderElementsOf(scan.skipped());
                assertThat(heardByCatalog).containsExactlyInAnyOrderElementsOf(scan.skipped());
                assertThat(catalog.skippedEntries()).containsExactlyInAnyOrderElementsOf(scan.skipped());

                assertThat(scan.volumes()).extracting(BackupVolume::name).containsExactly("pvc-good", "pvc-locked");
                // Longhorn's in-progress cfg has no times, so it sorts after the complete ones
                assertThat(scan.backupsOf("pvc-good")).extracting(Backup::name, Backup::state).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("backup-good000000000003", BackupState.COMPLETED),
                        org.assertj.core.groups.Tuple.tuple("backup-good000000000001", BackupState.COMPLETED),
                        org.assertj.core.groups.Tuple.tuple("backup-good000000000002", BackupState.IN_PROGRESS));
                assertThat(scan.backupsOf("pvc-locked")).extracting(Backup::name).containsExactly("backup-lock0000000000001");

                // a second scan reports the same entries again, the catalog keeps each location once
                CatalogScan again = catalog.scanAll();
                assertThat(again.skipped()).hasSameSizeAs(scan.skipped());
                assertThat(catalog.skippedEntries()).hasSameSizeAs(scan.skipped());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void theCheapPathAndListingsSkipTheSameVolumeEntries(Stores kind) {
        try (Stores.Store store = kind.create();
             BackupstoreCatalog catalog = BackupstoreCatalog.builder(store.source(), store.target()).build()) {
            Fixture f = write(BackupstoreWriter.create(store.source(), store.target(), 3));
            assertThat(catalog.listBackupVolumes()).extracting(BackupVolume::name).containsExactly("pvc-good", "pvc-locked");
            Map<String, Backup> newest = catalog.newestCompleteBackups();
            assertThat(newest.get("pvc-good").name()).isEqualTo("backup-good000000000003");
            assertThat(newest.get("pvc-locked").name()).isEqualTo("backup-lock0000000000002");
            assertThat(catalog.skippedEntries()).extracting(SkippedEntry::location)
                    .containsAll(w(f, Reason.NO_VOLUME_CFG)).contains(w(f, Reason.INVALID_NAME).stream()
                            .filter(k -> !k.contains("backups/")).toArray(String[]::new));
            assertThat(catalog.listBackups("pvc-good")).hasSize(3);
            assertThat(catalog.skippedEntries()).extracting(SkippedEntry::location).contains(w(f, Reason.IN_PROGRESS).get(0),
                    w(f, Reason.TEMP_FILE).get(0));
        }
    }

    private static List<String> w(Fixture f, Reason r) {
        return f.expected().entrySet().stream().filter(e -> e.getValue() == r).map(Map.Entry::getKey).toList();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void aStoreOutageFailsTheScanInsteadOfHidingBackups(Stores kind) {
        try (Stores.Store store = kind.create()) {
            BackupstoreWriter w = BackupstoreWriter.create(store.source(), store.target(), 3);
            w.volume("pvc-a").size(64L << 20).metadataOnly().backup("backup-a000000000000001", T1, c -> c.random(0));
            FaultyObjectSource faulty = new FaultyObjectSource(store.source()).fail(RequestKind.GET, k -> k.endsWith(".cfg"),
                    () -> new UnavailableException("cannot reach S3: connection refused"), -1);
            try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(faulty, store.target()).build()) {
                assertThatThrownBy(catalog::scanAll).isInstanceOf(UnavailableException.class).hasMessageContaining("connection refused");
                assertThatThrownBy(catalog::newestCompleteBackups).isInstanceOf(UnavailableException.class);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void aCfgThatVanishesBetweenListingAndReadingIsUnreadable(Stores kind) {
        try (Stores.Store store = kind.create()) {
            BackupstoreWriter w = BackupstoreWriter.create(store.source(), store.target(), 3);
            BackupstoreWriter.VolumeWriter v = w.volume("pvc-a").size(64L << 20).metadataOnly();
            v.backup("backup-a000000000000001", T1, c -> c.random(0));
            String gone = v.backup("backup-a000000000000002", T2, c -> c.random(0)).cfgKey();
            FaultyObjectSource faulty = new FaultyObjectSource(store.source()).fail(RequestKind.GET, gone::equals,
                    () -> new io.drkit.core.NotFoundException("object " + gone + " not found"), -1);
            try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(faulty, store.target()).build()) {
                assertThat(catalog.listBackups("pvc-a")).extracting(Backup::name).containsExactly("backup-a000000000000001");
                assertThat(catalog.skippedEntries()).singleElement().satisfies(s -> {
                    assertThat(s.location()).isEqualTo(gone);
                    assertThat(s.reason()).isEqualTo(Reason.UNREADABLE);
                });
                // the pointer names the vanished backup: the cheap path falls back to the listing
                assertThat(catalog.newestCompleteBackup("pvc-a")).map(Backup::name).contains("backup-a000000000000001");
            }
        }
    }
}
