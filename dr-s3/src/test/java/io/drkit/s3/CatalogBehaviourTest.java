package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import io.drkit.core.NotFoundException;
import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.BackupVolume;
import io.drkit.core.model.CompressionMethod;
import io.drkit.core.model.KubernetesStatus;
import io.drkit.core.model.PvcRef;
import io.drkit.core.model.RecurringJobInfo;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.CfgFormat;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Catalog behaviour beyond the contract: large cfgs, legacy stores, labels, cancellation, ownership. */
class CatalogBehaviourTest {
    private static final Instant T = Instant.parse("2026-11-01T03:00:00Z");

    @TempDir
    Path dir;

    private DirectoryObjectSource source() {
        return DirectoryObjectSource.of(dir);
    }

    @Test
    void aHugeBlocksListCostsOneSmallRangedGetAndLongMetadataOneMore() {
        DirectoryObjectSource s = source();
        BackupTarget target = BackupTarget.directory(dir);
        BackupstoreWriter w = BackupstoreWriter.create(s, target, 1);
        BackupstoreWriter.VolumeWriter v = w.volume("pvc-big").size(1L << 40).metadataOnly();
        v.largeSyntheticBackup("backup-big0000000000001", T, 200_000);
        v.label("notes", "x".repeat(100_000)).backup("backup-big0000000000002", T.plusSeconds(60), c -> c.random(0));
        try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(s, target).build()) {
            RequestCounts before = catalog.requestCounts();
            Backup big = catalog.findBackup("pvc-big", "backup-big0000000000001").orElseThrow();
            assertThat(catalog.requestCounts().minus(before).get()).isEqualTo(2); // volume.cfg + one 16 KiB range
            assertThat(big.size()).isEqualTo(200_000L * (2 << 20));
            before = catalog.requestCounts();
            Backup labelled = catalog.findBackup("pvc-big", "backup-big0000000000002").orElseThrow();
            assertThat(catalog.requestCounts().minus(before).get()).isEqualTo(3); // + the whole cfg, streamed
            assertThat(labelled.labels().get("notes")).hasSize(100_000);
        }
    }

    @Test
    void aStoreWrittenByLonghorn10IsReadWithTodaysDefaults() {
        DirectoryObjectSource s = source();
        BackupTarget target = BackupTarget.parse("nfs://nas:/export/lh");
        BackupstoreWriter w = BackupstoreWriter.create(s, target, 1);
        w.volume("pvc-old").size(8L << 20).format(CfgFormat.V1_0).metadataOnly()
                .backup("backup-old0000000000001", T, c -> c.random(0));
        w.volume("pvc-16m").size(64L << 20).blockSize(16L << 20).compression(CompressionMethod.NONE).dataEngine("v2")
                .metadataOnly().backup("backup-16m0000000000001", T, c -> c.random(16L << 20));
        try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(s, target).build()) {
            BackupVolume old = catalog.getBackupVolume("pvc-old");
            assertThat(old.compression()).isEqualTo(CompressionMethod.GZIP);
            assertThat(old.dataEngine()).isEqualTo("v1");
            assertThat(old.labels()).isEmpty();
            Backup b = catalog.getBackup("pvc-old", "backup-old0000000000001");
            assertThat(b.compression()).isEqualTo(CompressionMethod.GZIP);
            assertThat(b.blockSize()).isEqualTo(2L << 20);
            assertThat(b.url()).contains("nfs://nas:/export/lh?backup=backup-old0000000000001&volume=pvc-old");
            Backup b16 = catalog.newestCompleteBackup("pvc-16m").orElseThrow();
            assertThat(b16.blockSize()).isEqualTo(16L << 20);
            assertThat(b16.compression()).isEqualTo(CompressionMethod.NONE);
            assertThat(catalog.getBackupVolume("pvc-16m").dataEngine()).isEqualTo("v2");
        }
    }

    @Test
    void kubernetesStatusRecurringJobsAndStorageClassAreSurfaced() {
        DirectoryObjectSource s = source();
        BackupTarget target = BackupTarget.parse("s3://bucket@us-east-1/prefix/?ignored=1");
        BackupstoreWriter w = BackupstoreWriter.create(s, BackupTarget.directory(dir), 1);
        RecurringJobInfo jobs = new RecurringJobInfo(Optional.of("nightly"), Map.of("nightly",
                new RecurringJobInfo.VolumeJob("nightly", "backup", "0 3 * * *", 7, List.of("critical"), List.of("critical"), false)));
        w.volume("pvc-app").size(8L << 20).pvc("shop/db-data").labels(Map.of()).pvc("shop/db-data")
                .label("longhorn.io/volume-access-mode", "rwx").storageClass("longhorn-ssd").metadataOnly();
        jobs.toLabels().forEach(w.volume("pvc-app")::label);
        w.volume("pvc-app").backup("backup-app0000000000001", T, c -> c.random(0));
        try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(s, BackupTarget.directory(dir)).build()) {
            BackupVolume v = catalog.getBackupVolume("pvc-app");
            assertThat(v.storageClassName()).contains("longhorn-ssd");
            assertThat(v.kubernetesStatus().flatMap(KubernetesStatus::pvc)).contains(PvcRef.of("shop", "db-data"));
            Backup b = catalog.newestCompleteBackups().get("pvc-app");
            assertThat(b.kubernetesStatus().flatMap(KubernetesStatus::pvc)).contains(PvcRef.of("shop", "db-data"));
            assertThat(b.recurringJobInfo().groups()).containsExactly("critical");
            assertThat(b.recurringJobInfo().job()).contains("nightly");
            assertThat(b.accessMode()).contains("rwx");
        }
        // URLs name the target the catalog was given (the store may be a copy of the bucket)
        try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(DirectoryObjectSource.of(dir), target).build()) {
            assertThat(catalog.listBackupVolumes()).isEmpty(); // a copy of the bucket keeps the prefix/ directory
        }
        try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(DirectoryObjectSource.of(dir),
                BackupTarget.parse("s3://bucket@us-east-1/")).build()) {
            Backup b = catalog.getBackup("pvc-app", "backup-app0000000000001");
            BackupUrl url = BackupUrl.parse(b.url().orElseThrow());
            assertThat(url.target().host()).isEqualTo("bucket");
            assertThat(url.volumeName()).isEqualTo("pvc-app");
        }
    }

    @Test
    void aCancelledScanStopsWithCancelledException() {
        DirectoryObjectSource s = source();
        BackupTarget target = BackupTarget.directory(dir);
        BackupstoreWriter w = BackupstoreWriter.create(s, target, 1);
        for (int i = 0; i < 5; i++) {
            w.volume("pvc-" + i).size(8L << 20).metadataOnly().backup("backup-" + i + "000000000000000", T, c -> c.random(0));
        }
        Cancellation cancel = Cancellation.create();
        try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(s, target).build()) {
            assertThatThrownBy(() -> catalog.scanAll(new CatalogListener() {
                @Override
                public void volumeScanned(String volumeName, int done, int total) {
                    cancel.cancel();
                }
            }, cancel)).isInstanceOf(CancelledException.class).hasMessageContaining("scan");
        }
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheScan() {
        DirectoryObjectSource s = source();
        BackupTarget target = BackupTarget.directory(dir);
        BackupstoreWriter w = BackupstoreWriter.create(s, target, 1);
        w.volume("pvc-a").size(8L << 20).metadataOnly().backup("backup-a000000000000001", T, c -> c.random(0));
        w.dsStore();
        CatalogListener bad = new CatalogListener() {
            @Override
            public void volumeScanned(String volumeName, int done, int total) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void entrySkipped(SkippedEntry entry) {
                throw new IllegalStateException("listener bug");
            }
        };
        try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(s, target).listener(bad).build()) {
            CatalogScan scan = catalog.scanAll(bad);
            assertThat(scan.backupCount()).isEqualTo(1);
            assertThat(scan.skipped()).hasSize(1);
        }
    }

    @Test
    void aCallersExecutorIsNotShutDownAndUnknownNamesAreNotFound() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            BackupTarget target = BackupTarget.directory(dir);
            BackupstoreWriter w = BackupstoreWriter.create(source(), target, 1);
            w.volume("pvc-a").size(8L << 20).metadataOnly().backup("backup-a000000000000001", T, c -> c.random(0));
            w.volume("pvc-b").size(8L << 20).metadataOnly().backup("backup-b000000000000001", T, c -> c.random(0));
            BackupstoreCatalog catalog = BackupstoreCatalog.builder(source(), target).executor(pool).build();
            assertThat(catalog.scanAll().backupCount()).isEqualTo(2);
            assertThatThrownBy(() -> catalog.listBackups("x")).isInstanceOf(NotFoundException.class).hasMessageContaining("x");
            assertThatThrownBy(() -> catalog.listBackups("pvc-nope")).isInstanceOf(NotFoundException.class)
                    .hasMessageContaining("volume.cfg");
            assertThat(catalog.findBackup("pvc-a", "b@d")).isEmpty();
            catalog.close();
            catalog.close();
            assertThat(pool.isShutdown()).isFalse();
            assertThat(pool.submit(() -> 42).get()).isEqualTo(42);
            assertThat(catalog.describe()).contains(dir.toString());
        } finally {
            pool.shutdown();
        }
    }

    /** Counts the object reads in progress at once through it. */
    private static final class ConcurrencyProbe extends ProbedObjectSource {
        final java.util.concurrent.atomic.AtomicInteger now = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();

        ConcurrencyProbe(ObjectSource delegate) {
            super(delegate);
        }

        @Override
        <T> T call(java.util.function.Supplier<T> request) {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(1); // a request takes a moment: lets calls overlap
                return request.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException("interrupted");
            } finally {
                now.decrementAndGet();
            }
        }
    }

    @Test
    void concurrencyBoundsTheRequestsInFlightOfConcurrentCallsTogetherOnOwnThreadsAndOnACallersExecutor()
            throws Exception {
        BackupTarget target = BackupTarget.directory(dir);
        BackupstoreWriter w = BackupstoreWriter.create(source(), target, 1);
        for (int i = 0; i < 12; i++) {
            w.volume(String.format("pvc-%02d", i)).size(8L << 20).metadataOnly()
                    .backup(String.format("backup-%016x", i), T, c -> c.random(0));
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (ExecutorService executor : java.util.Arrays.asList(null, pool)) {
                ConcurrencyProbe probe = new ConcurrencyProbe(source());
                try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(probe, target).concurrency(3).cache(false)
                        .executor(executor).build()) {
                    List<java.util.concurrent.Future<Integer>> scans = new java.util.ArrayList<>();
                    ExecutorService callers = Executors.newFixedThreadPool(3);
                    try {
                        for (int k = 0; k < 3; k++) {
                            scans.add(callers.submit(() -> catalog.scanAll().backupCount()));
                        }
                        for (java.util.concurrent.Future<Integer> f : scans) {
                            assertThat(f.get()).isEqualTo(12);
                        }
                    } finally {
                        callers.shutdown();
                    }
                }
                assertThat(probe.most.get()).as("cfg reads in flight over three concurrent scans").isBetween(1, 3);
            }
        } finally {
            pool.shutdown();
        }
    }
}
