package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.catalog.CatalogScan;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Opt-in, read-only check against a real backup target: set {@code DRKIT_LIVE_BACKUP_TARGET} (e.g.
 * {@code s3://bucket@region/path/}) and the usual Longhorn Secret keys ({@code AWS_ACCESS_KEY_ID},
 * {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_ENDPOINTS}, ...) in the environment. Nothing is written.
 */
@EnabledIfEnvironmentVariable(named = "DRKIT_LIVE_BACKUP_TARGET", matches = ".+")
class LiveBucketTest {

    @Test
    void aRealBucketCanBeCatalogued() {
        BackupTarget target = BackupTarget.parse(System.getenv("DRKIT_LIVE_BACKUP_TARGET"));
        try (S3ObjectSource s3 = S3ObjectSource.builder().target(target).environment().build();
             BackupstoreCatalog catalog = BackupstoreCatalog.builder(s3, target).build()) {
            Map<String, Backup> newest = catalog.newestCompleteBackups();
            RequestCounts cheap = catalog.requestCounts();
            CatalogScan scan = catalog.scanAll();
            System.out.printf("%s: %d volumes, %d backups, %d skipped; cheap path %s (%s discovery), total %s%n",
                    target, scan.volumes().size(), scan.backupCount(), scan.skipped().size(), cheap, catalog.discovery(),
                    catalog.requestCounts());
            assertThat(newest.values()).allMatch(Backup::isComplete);
            assertThat(scan.volumes().size()).isGreaterThanOrEqualTo(newest.size());
        }
    }
}
