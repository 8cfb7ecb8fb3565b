package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.Cancellation;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.s3.nbd.NbdServer;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.EmbeddedS3Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps the snippets in dr-s3/README.md compiling and working. */
class ReadmeSnippetTest {
    @TempDir
    Path dir;

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

    @Test
    void theVerifyAndRestoreSnippetsWork() throws Exception {
        try (EmbeddedS3Server server = EmbeddedS3Server.startTransient();
             S3ObjectSource s3 = server.createBucket("backups")) {
            BackupTarget target = BackupTarget.parse("s3://backups@us-east-1/");
            BackupstoreWriter.create(s3, target, 1).volume("pvc-1").size(8L << 20)
                    .backup("backup-0000000000000001", Instant.parse("2026-11-01T03:00:00Z"), c -> c.random(0).text(4L << 20));
            Files.createDirectories(dir.resolve("restore"));
            Path imageFile = dir.resolve("restore/pvc-1.img");

            // --- README verify snippet start
            BackupVerifier verifier = BackupVerifier.builder(s3, target)
                    .level(VerifyLevel.SAMPLED).sampleFraction(0.05).seed(42)     // or METADATA (default), FULL
                    .build();
            VerificationResult result = verifier.verifyVolume("pvc-1");        // or verifyBackup(v, b), verifyAll()
            for (BackupVerification backup : result.damaged()) {
                for (BadBlock bad : backup.badBlocks()) {
                    System.out.println(backup.backupName() + ": " + bad.problem() + " " + bad.key() + " at offsets "
                            + bad.offsets() + ", also breaks " + bad.alsoReferencedBy());
                }
            }
            System.out.println(result.summary());
            int exitCode = result.exitCode();                                 // 0 OK (or warnings), 3 damaged
            // --- README verify snippet end
            assertThat(exitCode).isZero();
            assertThat(result.backups()).hasSize(1);

            // --- README restore snippet start
            VolumeImageRestorer restorer = VolumeImageRestorer.builder(s3, target)
                    .concurrency(8)                                           // blocks in flight
                    .listener(new ImageRestoreListener() {
                        @Override
                        public void progress(RestoreProgress p) {
                            System.out.printf("%.0f%% %.0f MiB/s%n", 100 * p.fraction(), p.mibPerSecond());
                        }
                    })
                    .build();
            Cancellation cancel = Cancellation.create();                      // cancel.cancel() from any thread
            ImageRestoreResult restored = restorer.restoreToFile(
                    BackupSelection.newest("pvc-1"),                          // or named(v, b), newestAtOrBefore(v, t)
                    imageFile,
                    ImageRestoreOptions.builder().salvage(false).overwrite(false).cancellation(cancel).build());
            System.out.println(restored.summary());
            // --- README restore snippet end
            assertThat(restored.intact()).isTrue();
            assertThat(Files.size(imageFile)).isEqualTo(8L << 20);
        }
    }

    @Test
    void theNbdAndShardSnippetsWork() throws Exception {
        try (EmbeddedS3Server s3server = EmbeddedS3Server.startTransient();
             S3ObjectSource s3 = s3server.createBucket("backups")) {
            BackupTarget target = BackupTarget.parse("s3://backups@us-east-1/");
            BackupstoreWriter.create(s3, target, 1).volume("pvc-1").size(8L << 20)
                    .backup("backup-0000000000000001", Instant.parse("2026-11-01T03:00:00Z"), c -> c.random(0).text(4L << 20));
            int port = 0;

            // --- README nbd snippet start
            NbdServer server = NbdServer.builder(s3, target, BackupSelection.newest("pvc-1"))
                    .listen("127.0.0.1", port)              // default 127.0.0.1:10809; other addresses need allowRemote(true)
                    .cacheBlocks(8)                         // decoded blocks kept (the default)
                    .start();                               // resolves the backup, reads its block list, listens
            System.out.println("nbdcopy " + server.uri() + " pvc-1.img");   // or qemu-img, nbdinfo, nbd-client
            // ... clients read; server.stats() counts reads, downloads, EIO replies
            server.close();                                 // finishes requests in progress, disconnects, stops
            // --- README nbd snippet end
            assertThat(server.uri()).startsWith("nbd://127.0.0.1:");
            assertThat(server.awaitClosed(java.time.Duration.ofSeconds(10))).isTrue();

            BackupVerifier verifier = BackupVerifier.builder(s3, target).level(VerifyLevel.FULL).build();
            // --- README shard snippet start
            VerificationResult shard = verifier.verifyShard(VerifyShard.parse("1/3"));   // or VerifyShard.of(1, 3)
            // --- README shard snippet end
            assertThat(shard.backups()).hasSize(VerifyShard.shardOf("pvc-1", 3) == 1 ? 1 : 0);
        }
    }
}
