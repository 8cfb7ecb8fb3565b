package io.drkit.s3.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.catalog.CatalogListener;
import io.drkit.core.model.BackupTarget;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.CountingObjectSource;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.ObjectInfo;
import io.drkit.s3.testing.BackupstoreWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cfg cache stays within its byte budget, forgets the least recently used cfgs and re-reads only those. */
class CfgCacheBudgetTest {
    private static final Instant T = Instant.parse("2026-11-01T03:00:00Z");
    private static final int BACKUPS = 200;

    @TempDir
    Path dir;

    @Test
    void manyCfgsStayWithinTheBudgetAndOnlyEvictedOnesAreReadAgain() {
        BackupTarget target = BackupTarget.directory(dir);
        DirectoryObjectSource store = DirectoryObjectSource.of(dir);
        BackupstoreWriter w = BackupstoreWriter.create(store, target, 7);
        BackupstoreWriter.VolumeWriter v = w.volume("pvc-a").size(64L << 20).metadataOnly().pvc("ns/claim-a");
        for (int b = 0; b < BACKUPS; b++) {
            v.backup(String.format("backup-%016d", b), T.plusSeconds(3_600L * b), c -> c.random(0));
        }
        BackupstoreLayout layout = BackupstoreLayout.of(target);
        List<ObjectInfo> listed = new ArrayList<>();
        for (int b = 0; b < BACKUPS; b++) {
            listed.add(store.head(layout.backupCfg("pvc-a", String.format("backup-%016d", b))).orElseThrow());
        }
        CountingObjectSource counting = CountingObjectSource.wrap(store);
        long budget = 40_000;
        CfgCache cache = new CfgCache(counting, layout, target, ReadRetry.DEFAULT, 16 << 10, true, budget,
                new SkipRegistry(CatalogListener.NONE));
        VolumeRef ref = new VolumeRef("pvc-a", 64L << 20, "");
        SkipRegistry.Scan scan = new SkipRegistry.Scan(CatalogListener.NONE);

        for (int b = 0; b < BACKUPS; b++) {
            assertThat(cache.readBackup(ref, name(b), listed.get(b), scan)).isPresent();
            assertThat(cache.estimatedBytes()).isLessThanOrEqualTo(budget);
        }
        assertThat(counting.counts().get()).isEqualTo(BACKUPS);
        assertThat(cache.evictions()).isPositive();
        int kept = cache.cachedObjects();
        assertThat(kept).isBetween(10, BACKUPS - 10);
        assertThat(cache.estimatedBytes()).isGreaterThan(budget / 2);

        // the newest read is still kept: reading it again while unchanged costs no request
        cache.readBackup(ref, name(BACKUPS - 1), listed.get(BACKUPS - 1), scan);
        assertThat(counting.counts().get()).isEqualTo(BACKUPS);
        // the first read was evicted: it is read again (one GET), and kept again
        assertThat(cache.readBackup(ref, name(0), listed.get(0), scan).orElseThrow().name()).isEqualTo(name(0));
        assertThat(counting.counts().get()).isEqualTo(BACKUPS + 1);
        cache.readBackup(ref, name(0), listed.get(0), scan);
        assertThat(counting.counts().get()).isEqualTo(BACKUPS + 1);
        assertThat(cache.estimatedBytes()).isLessThanOrEqualTo(budget);
    }

    @Test
    void aZeroBudgetKeepsNothing() {
        BackupTarget target = BackupTarget.directory(dir);
        DirectoryObjectSource store = DirectoryObjectSource.of(dir);
        BackupstoreWriter.create(store, target, 7).volume("pvc-a").size(64L << 20).metadataOnly()
                .backup(name(0), T, c -> c.random(0));
        BackupstoreLayout layout = BackupstoreLayout.of(target);
        ObjectInfo info = store.head(layout.backupCfg("pvc-a", name(0))).orElseThrow();
        CountingObjectSource counting = CountingObjectSource.wrap(store);
        CfgCache cache = new CfgCache(counting, layout, target, ReadRetry.DEFAULT, 16 << 10, true, 0,
                new SkipRegistry(CatalogListener.NONE));
        VolumeRef ref = new VolumeRef("pvc-a", 64L << 20, "");
        SkipRegistry.Scan scan = new SkipRegistry.Scan(CatalogListener.NONE);
        cache.readBackup(ref, name(0), info, scan);
        cache.readBackup(ref, name(0), info, scan);
        assertThat(counting.counts().get()).isEqualTo(2);
        assertThat(cache.cachedObjects()).isZero();
    }

    private static String name(int b) {
        return String.format("backup-%016d", b);
    }
}
