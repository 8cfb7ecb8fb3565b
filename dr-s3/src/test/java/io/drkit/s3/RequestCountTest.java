package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.model.Backup;
import io.drkit.s3.testing.BackupstoreWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What each catalog operation costs in requests: the cheap path, full scans, incremental re-scans. */
class RequestCountTest {
    private static final int VOLUMES = 30;
    private static final Instant T = Instant.parse("2026-11-01T03:00:00Z");

    /**
     * 30 volumes with 3 backups each, written in rounds as recurring jobs write them (each round's cfgs listed as
     * written after the previous round's, also on stores with one-second times); every pointer is right.
     */
    private static BackupstoreWriter store(Stores.Store s) {
        BackupstoreWriter w = BackupstoreWriter.create(s.source(), s.target(), 11);
        for (int b = 1; b <= 3; b++) {
            w.awaitLaterTimestamps();
            for (int v = 0; v < VOLUMES; v++) {
                BackupstoreWriter.VolumeWriter vw = w.volume(String.format("pvc-%03d", v)).size(64L << 20).metadataOnly()
                        .pvc("ns/claim-" + v);
                long off = (long) b << 21;
                vw.backup(String.format("backup-%03d%013d", v, b), T.plusSeconds(86_400L * b), c -> c.random(off));
            }
        }
        return w;
    }

    /** LIST requests of the backups/ listings a store needs when its discovery cannot enumerate backup cfgs. */
    private static long backupListings(Stores kind) {
        return kind == Stores.S3 ? VOLUMES : 0;
    }

    /** LIST requests of one discovery: one page for a rolled-up listing, else Longhorn's level-by-level count. */
    private static long discoveryLists(Stores kind, BackupstoreCatalog catalog) {
        if (catalog.discovery() == BackupstoreCatalog.Discovery.AUTO) {
            return 1;
        }
        Set<String> l1 = new HashSet<>();
        Set<String> l2 = new HashSet<>();
        for (int v = 0; v < VOLUMES; v++) {
            String h = BackupstoreLayout.volumeHash(String.format("pvc-%03d", v));
            l1.add(h.substring(0, 2));
            l2.add(h.substring(0, 4));
        }
        return 1 + l1.size() + l2.size();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void newestBackupOfEveryVolumeCostsTwoGetsPerVolumePlusTheListing(Stores kind) {
        try (Stores.Store s = kind.create(); BackupstoreCatalog catalog = BackupstoreCatalog.builder(s.source(), s.target()).build()) {
            store(s);
            Map<String, Backup> newest = catalog.newestCompleteBackups();
            RequestCounts c = catalog.requestCounts();
            assertThat(newest).hasSize(VOLUMES);
            assertThat(newest.get("pvc-007").name()).isEqualTo("backup-0070000000000003");
            assertThat(newest.get("pvc-007").volumeSize()).isEqualTo(64L << 20);
            assertThat(c.get()).isEqualTo(2L * VOLUMES);
            assertThat(c.head()).isZero();
            // S3Proxy only honours "/" as delimiter: one rejected attempt, then Longhorn's level-by-level listing and
            // one listing of backups/ per volume; elsewhere the one listing also enumerates every backup cfg
            long rejected = kind == Stores.S3 ? 1 : 0;
            assertThat(c.list()).isEqualTo(rejected + discoveryLists(kind, catalog) + backupListings(kind));
            assertThat(catalog.discovery()).isEqualTo(kind == Stores.S3 ? BackupstoreCatalog.Discovery.LEVEL_BY_LEVEL
                    : BackupstoreCatalog.Discovery.AUTO);
            if (kind == Stores.DIRECTORY) {
                assertThat(c.reads()).isLessThanOrEqualTo(3L * VOLUMES);
            }

            // again on the same catalog: cfgs whose listing entry is unchanged are not read again
            RequestCounts before = catalog.requestCounts();
            catalog.newestCompleteBackups();
            long volumeCfgGets = kind == Stores.S3 ? VOLUMES : 0;
            assertThat(catalog.requestCounts().minus(before)).isEqualTo(
                    new RequestCounts(discoveryLists(kind, catalog) + backupListings(kind), volumeCfgGets, 0, 0, 0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void aStaleOrInProgressPointerCostsReadingThatVolumesCfgsOnly(Stores kind) {
        try (Stores.Store s = kind.create(); BackupstoreCatalog catalog = BackupstoreCatalog.builder(s.source(), s.target()).build()) {
            BackupstoreWriter w = store(s);
            w.volume("pvc-001").pointer("backup-gone000000000001");
            BackupstoreWriter.VolumeWriter v2 = w.volume("pvc-002");
            v2.inProgressBackup("backup-running00000001", T.plusSeconds(86_400L * 9));
            v2.pointer("backup-running00000001");
            Map<String, Backup> newest = catalog.newestCompleteBackups();
            RequestCounts c = catalog.requestCounts();
            long rejected = kind == Stores.S3 ? 1 : 0;
            assertThat(newest.get("pvc-001").name()).isEqualTo("backup-0010000000000003");
            assertThat(newest.get("pvc-002").name()).isEqualTo("backup-0020000000000003");
            assertThat(c.list()).isEqualTo(rejected + discoveryLists(kind, catalog) + backupListings(kind));
            // pvc-001 reads its 3 cfgs instead of 1; pvc-002 the in-progress cfg its pointer names, then its 3 cfgs
            assertThat(c.get()).isEqualTo(2L * VOLUMES + 2 + 3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void aLaggingPointerCostsOnlyTheCfgsWrittenAfterIt(Stores kind) {
        try (Stores.Store s = kind.create(); BackupstoreCatalog catalog = BackupstoreCatalog.builder(s.source(), s.target()).build()) {
            BackupstoreWriter w = store(s);
            w.awaitLaterTimestamps();
            w.volume("pvc-003").backup("backup-0030000000000004", T.plusSeconds(86_400L * 4),
                    c -> c.random(0).pointerUpdateLost());
            Map<String, Backup> newest = catalog.newestCompleteBackups();
            RequestCounts c = catalog.requestCounts();
            assertThat(catalog.findBackupVolume("pvc-003").orElseThrow().lastBackupName()).contains("backup-0030000000000003");
            assertThat(newest.get("pvc-003").name()).isEqualTo("backup-0030000000000004");
            assertThat(newest.get("pvc-004").name()).isEqualTo("backup-0040000000000003");
            assertThat(c.get()).isEqualTo(2L * VOLUMES + 1);
            // every other path agrees
            assertThat(catalog.newestCompleteBackup("pvc-003")).map(Backup::name).contains("backup-0030000000000004");
            assertThat(catalog.newestCompleteBackups(List.of("pvc-003")).get("pvc-003").name())
                    .isEqualTo("backup-0030000000000004");
            assertThat(catalog.newestCompleteBackupsOf(catalog.listBackupVolumes()).get("pvc-003").name())
                    .isEqualTo("backup-0030000000000004");
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void withKnownVolumeNamesTheNewestBackupsCostThreeRequestsPerVolumeAndNoDiscovery(Stores kind) {
        try (Stores.Store s = kind.create(); BackupstoreCatalog catalog = BackupstoreCatalog.builder(s.source(), s.target()).build()) {
            store(s);
            List<String> names = new java.util.ArrayList<>();
            for (int v = 0; v < VOLUMES; v++) {
                names.add(String.format("pvc-%03d", v));
            }
            names.add("pvc-not-in-store");
            Map<String, Backup> newest = catalog.newestCompleteBackups(names);
            assertThat(newest).hasSize(VOLUMES);
            assertThat(newest.get("pvc-011").name()).isEqualTo("backup-0110000000000003");
            // per volume: volume.cfg, one listing of backups/, the cfg the pointer names (plus the absent volume.cfg)
            assertThat(catalog.requestCounts()).isEqualTo(new RequestCounts(VOLUMES, 2L * VOLUMES + 1, 0, 0, 0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void afterListingTheVolumesTheirNewestBackupsCostOneGetEachAndNoSecondDiscovery(Stores kind) {
        try (Stores.Store s = kind.create(); BackupstoreCatalog catalog = BackupstoreCatalog.builder(s.source(), s.target()).build()) {
            store(s);
            List<io.drkit.core.model.BackupVolume> volumes = catalog.listBackupVolumes();
            RequestCounts listing = catalog.requestCounts();
            Map<String, Backup> newest = catalog.newestCompleteBackupsOf(volumes);
            assertThat(newest).hasSize(VOLUMES);
            assertThat(newest.get("pvc-021").name()).isEqualTo("backup-0210000000000003");
            assertThat(newest.get("pvc-021").volumeSize()).isEqualTo(64L << 20);
            // where the discovery listing enumerated the backup cfgs, it is reused; elsewhere backups/ is listed
            assertThat(catalog.requestCounts().minus(listing)).isEqualTo(
                    new RequestCounts(backupListings(kind), VOLUMES, 0, 0, 0));
            if (kind == Stores.DIRECTORY) {
                // what dr volumes, dr audit and dr plan cost: at most 3 requests per volume, listing included
                assertThat(catalog.requestCounts().reads()).isLessThanOrEqualTo(3L * VOLUMES);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void findingOneBackupCostsTwoGetsAndItsNewestBackupThreeRequests(Stores kind) {
        try (Stores.Store s = kind.create(); BackupstoreCatalog catalog = BackupstoreCatalog.builder(s.source(), s.target()).build()) {
            store(s);
            assertThat(catalog.findBackup("pvc-003", "backup-0030000000000002")).isPresent();
            assertThat(catalog.requestCounts()).isEqualTo(new RequestCounts(0, 2, 0, 0, 0));
            assertThat(catalog.newestCompleteBackup("pvc-004")).map(Backup::name).contains("backup-0040000000000003");
            assertThat(catalog.requestCounts()).isEqualTo(new RequestCounts(1, 4, 0, 0, 0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void aRescanRereadsOnlyObjectsThatChanged(Stores kind) {
        try (Stores.Store s = kind.create(); BackupstoreCatalog catalog = BackupstoreCatalog.builder(s.source(), s.target()).build()) {
            BackupstoreWriter w = store(s);
            CatalogScan first = catalog.scanAll();
            assertThat(first.backupCount()).isEqualTo(3 * VOLUMES);
            assertThat(catalog.requestCounts().get()).isEqualTo(VOLUMES + 3L * VOLUMES);

            // nothing changed: backup cfgs are not read again (volume.cfg too, where the listing shows its ETag)
            long volumeCfgRereads = kind == Stores.S3 ? VOLUMES : 0;
            RequestCounts before = catalog.requestCounts();
            CatalogScan second = catalog.scanAll();
            assertThat(second.backups()).isEqualTo(first.backups());
            assertThat(catalog.requestCounts().minus(before).get()).isEqualTo(volumeCfgRereads);

            // one cfg rewritten, one backup added: exactly those are read (plus the rewritten volume.cfg)
            String key = w.layout().backupCfg("pvc-005", "backup-0050000000000001");
            String text;
            try (ObjectStream in = s.source().get(key)) {
                text = new String(in.readAllBytesUnchecked(), StandardCharsets.UTF_8);
            }
            s.source().put(key, text.replace("\"Labels\":{", "\"Labels\":{\"edited\":\"yes\",").getBytes(StandardCharsets.UTF_8));
            w.volume("pvc-007").backup("backup-0070000000000004", T.plusSeconds(86_400L * 4), c -> c.random(0));
            before = catalog.requestCounts();
            CatalogScan third = catalog.scanAll();
            long volumeCfgReads = kind == Stores.S3 ? VOLUMES : 1;
            assertThat(catalog.requestCounts().minus(before).get()).isEqualTo(volumeCfgReads + 2);
            assertThat(third.backupsOf("pvc-007")).hasSize(4);
            assertThat(third.backupsOf("pvc-005").stream().filter(b -> b.name().endsWith("1")).findFirst().orElseThrow()
                    .labels()).containsEntry("edited", "yes");
        }
    }
}
