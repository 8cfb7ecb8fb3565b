package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.DrTimeoutException;
import io.drkit.core.model.Backup;
import io.drkit.core.model.BackupTarget;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.EmbeddedS3Server;
import io.drkit.s3.testing.WrittenBackup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults in response bodies, after good headers, on a loopback proxy in front of the S3 server: a cfg body cut short
 * is retried exactly like a block (issue 11 item 8), and a body that trickles or stops is aborted by the read progress
 * deadline, retried, and finally fails with a timeout naming the object and the bound instead of holding a restore or
 * a verification forever (item 9). The {@code @Timeout}s only guard against a regression hanging the build.
 */
class BodyFaultTest {
    private static final BackupTarget TARGET = BackupTarget.parse("s3://faults@us-east-1/");
    private static final Predicate<String> CFG_GETS = l -> l.startsWith("GET ") && l.contains(".cfg");
    private static final Predicate<String> BLOCK_GETS = l -> l.startsWith("GET ") && l.contains(".blk");
    private static EmbeddedS3Server server;
    private static WrittenBackup newest;

    @TempDir
    Path dir;

    @BeforeAll
    static void writeStore() {
        server = EmbeddedS3Server.startTransient();
        try (S3ObjectSource direct = server.createBucket("faults")) {
            BackupstoreWriter.VolumeWriter v = BackupstoreWriter.create(direct, TARGET, 9).volume("pvc-1").size(8L << 20);
            v.backup("backup-0000000000000001", Instant.parse("2026-11-01T03:00:00Z"), c -> c.random(0).text(2L << 20));
            newest = v.backup("backup-0000000000000002", Instant.parse("2026-11-02T03:00:00Z"), c -> c.mixed(4L << 20));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static S3ObjectSource via(BodyFaultProxy proxy, Duration progress) {
        return S3ObjectSource.builder().bucket("faults").region("us-east-1").endpoint(proxy.endpoint())
                .credentials(server.accessKey(), server.secretKey()).readProgressTimeout(progress).build();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aTruncatedCfgBodyIsRetriedLikeABlockByTheCatalogTheVerifierAndTheRestorer() throws Exception {
        try (BodyFaultProxy proxy = new BodyFaultProxy(server.endpoint(), BodyFaultProxy.Fault.TRUNCATE, CFG_GETS, 2, null);
             S3ObjectSource s3 = via(proxy, Duration.ofSeconds(30));
             BackupstoreCatalog catalog = BackupstoreCatalog.builder(s3, TARGET).build()) {
            // volume.cfg and the pointer's cfg are each cut short once
            assertThat(catalog.newestCompleteBackup("pvc-1")).map(Backup::name).contains(newest.name());
            assertThat(proxy.faultsInjected()).isEqualTo(2);
        }
        try (BodyFaultProxy proxy = new BodyFaultProxy(server.endpoint(), BodyFaultProxy.Fault.TRUNCATE, CFG_GETS, -1, null);
             S3ObjectSource s3 = via(proxy, Duration.ofSeconds(30));
             BackupstoreCatalog catalog = BackupstoreCatalog.builder(s3, TARGET).retries(2, Duration.ofMillis(10)).build()) {
            // every attempt cut short: the store is unavailable, with the object named
            assertThatThrownBy(() -> catalog.newestCompleteBackup("pvc-1"))
                    .isInstanceOf(io.drkit.core.UnavailableException.class).hasMessageContaining("volume.cfg");
            assertThat(proxy.faultsInjected()).isEqualTo(2);
        }
        // verification and restore read volume.cfg, the backup cfgs and the Blocks lists: every first read cut short
        try (BodyFaultProxy proxy = new BodyFaultProxy(server.endpoint(), BodyFaultProxy.Fault.TRUNCATE, CFG_GETS, -1,
                null, true); S3ObjectSource s3 = via(proxy, Duration.ofSeconds(30))) {
            VerificationResult v = BackupVerifier.builder(s3, TARGET).level(VerifyLevel.FULL).build().verifyVolume("pvc-1");
            assertThat(v.status()).isEqualTo(VerifyStatus.OK);
            assertThat(v.backups()).hasSize(2);
            assertThat(proxy.faultsInjected()).isGreaterThanOrEqualTo(5);
        }
        try (BodyFaultProxy proxy = new BodyFaultProxy(server.endpoint(), BodyFaultProxy.Fault.TRUNCATE, CFG_GETS, -1,
                null, true); S3ObjectSource s3 = via(proxy, Duration.ofSeconds(30))) {
            Path image = dir.resolve("pvc-1.img");
            VolumeImageRestorer.create(s3, TARGET).restoreToFile(BackupSelection.newest("pvc-1"), image);
            assertThat(Images.sha256(image)).isEqualTo(newest.image().orElseThrow().sha256());
            assertThat(proxy.faultsInjected()).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aTricklingBlockIsAbortedByTheProgressDeadlineAndRetried() throws Exception {
        try (BodyFaultProxy proxy = new BodyFaultProxy(server.endpoint(), BodyFaultProxy.Fault.TRICKLE, BLOCK_GETS, 1,
                Duration.ofMillis(100)); S3ObjectSource s3 = via(proxy, Duration.ofMillis(500))) {
            Path image = dir.resolve("trickled.img");
            VolumeImageRestorer.builder(s3, TARGET).concurrency(1).build()
                    .restoreToFile(BackupSelection.newest("pvc-1"), image);
            assertThat(Images.sha256(image)).isEqualTo(newest.image().orElseThrow().sha256());
            assertThat(proxy.faultsInjected()).isEqualTo(1);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aBodyThatKeepsTricklingFailsWithATimeoutNamingTheObjectAndTheBound() throws Exception {
        try (BodyFaultProxy proxy = new BodyFaultProxy(server.endpoint(), BodyFaultProxy.Fault.TRICKLE, BLOCK_GETS, -1,
                Duration.ofMillis(100)); S3ObjectSource s3 = via(proxy, Duration.ofMillis(500))) {
            VolumeImageRestorer restorer = VolumeImageRestorer.builder(s3, TARGET).concurrency(2)
                    .retries(2, Duration.ofMillis(10)).build();
            assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.newest("pvc-1"), dir.resolve("never.img")))
                    .isInstanceOf(DrTimeoutException.class).hasMessageContaining(".blk")
                    .hasMessageContaining("read progress timeout").hasMessageContaining("500 ms");
            try (var files = Files.list(dir)) {
                assertThat(files).isEmpty();
            }
            BackupVerifier verifier = BackupVerifier.builder(s3, TARGET).level(VerifyLevel.FULL).retries(2, Duration.ofMillis(10))
                    .build();
            assertThatThrownBy(() -> verifier.verifyVolume("pvc-1")).isInstanceOf(DrTimeoutException.class)
                    .hasMessageContaining(".blk");
        }
        try (BodyFaultProxy proxy = new BodyFaultProxy(server.endpoint(), BodyFaultProxy.Fault.TRICKLE, CFG_GETS, -1,
                Duration.ofMillis(100)); S3ObjectSource s3 = via(proxy, Duration.ofMillis(500));
             BackupstoreCatalog catalog = BackupstoreCatalog.builder(s3, TARGET).retries(2, Duration.ofMillis(10)).build()) {
            assertThatThrownBy(() -> catalog.newestCompleteBackup("pvc-1")).isInstanceOf(DrTimeoutException.class)
                    .hasMessageContaining("volume.cfg").hasMessageContaining("read progress timeout");
            assertThat(proxy.faultsInjected()).isEqualTo(2);
        }
    }
}
