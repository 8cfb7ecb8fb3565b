package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.EmbeddedS3Server;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keeps the snippet in dr-s3/README.md compiling and working. */
class ReadmeSnippetTest {

    @Test
    void theReadmeSnippetFindsTheNewestBackupOfEveryVolume() {
        try (EmbeddedS3Server server = EmbeddedS3Server.startTransient();
             S3ObjectSource setup = server.createBucket("backups")) {
            BackupstoreWriter.create(setup, BackupTarget.parse("s3://backups@us-east-1/"), 1).volume("pvc-1").size(8L << 20)
                    .metadataOnly().backup("backup-0000000000000001", Instant.parse("2026-11-01T03:00:00Z"), c -> c.random(0));
            String accessKey = server.accessKey();
            String secretKey = server.secretKey();
            String endpoint = server.endpoint().toString();

            // --- README snippet start
            BackupTarget target = BackupTarget.parse("s3://backups@us-east-1/");
            Map<String, String> secret = Map.of(            // the keys of Longhorn's backup-target Secret
                    "AWS_ACCESS_KEY_ID", accessKey,
                    "AWS_SECRET_ACCESS_KEY", secretKey,
                    "AWS_ENDPOINTS", endpoint);
            try (S3ObjectSource s3 = S3ObjectSource.forTarget(target, secret);
                 BackupstoreCatalog catalog = BackupstoreCatalog.builder(s3, target).concurrency(16).build()) {
                Map<String, Backup> newest = catalog.newestCompleteBackups();
                newest.forEach((volume, backup) -> System.out.println(volume + " -> " + backup.url().orElseThrow()));
                catalog.skippedEntries().forEach(s -> System.out.println("skipped " + s));
                System.out.println(catalog.requestCounts());
                // --- README snippet end
                assertThat(newest).containsOnlyKeys("pvc-1");
                assertThat(catalog.requestCounts().get()).isEqualTo(2);
            }
        }
    }
}
