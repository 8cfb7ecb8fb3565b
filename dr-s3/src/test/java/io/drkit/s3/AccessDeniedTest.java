package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.UnavailableException;
import io.drkit.core.model.BackupTarget;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.EmbeddedS3Server;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong secret (HTTP 403 SignatureDoesNotMatch) always means "access denied", an {@link UnavailableException} with
 * the status (exit 5), on every path, never "not found" (issue 11 item 7: {@code restore-to-file} said "backup volume
 * ... not found", exit 6).
 */
class AccessDeniedTest {
    private static EmbeddedS3Server server;
    private static final BackupTarget TARGET = BackupTarget.parse("s3://denied@us-east-1/");

    @TempDir
    Path dir;

    @BeforeAll
    static void writeStore() {
        server = EmbeddedS3Server.startTransient();
        try (S3ObjectSource good = server.createBucket("denied")) {
            BackupstoreWriter.create(good, TARGET, 3).volume("pvc-1").size(8L << 20)
                    .backup("backup-0000000000000001", Instant.parse("2026-11-01T03:00:00Z"), c -> c.random(0));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static S3ObjectSource wrongSecret() {
        return S3ObjectSource.builder().bucket("denied").region("us-east-1").endpoint(server.endpoint())
                .credentials(server.accessKey(), "wrong-secret").maxAttempts(1).build();
    }

    private static void denied(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(UnavailableException.class,
                        e -> assertThat(e.status()).hasValue(403))
                .hasMessageContaining("access denied").hasMessageContaining("SignatureDoesNotMatch")
                .hasMessageNotContaining("not found").hasMessageNotContaining("wrong-secret");
    }

    @Test
    void restoringWithAWrongSecretIsAccessDeniedNotNotFound() {
        try (S3ObjectSource s3 = wrongSecret()) {
            VolumeImageRestorer restorer = VolumeImageRestorer.create(s3, TARGET);
            denied(() -> restorer.restoreToFile(BackupSelection.newest("pvc-1"), dir.resolve("a.img")));
            denied(() -> restorer.restoreToFile(BackupSelection.named("pvc-1", "backup-0000000000000001"),
                    dir.resolve("b.img")));
            denied(() -> restorer.resolve(BackupSelection.newest("pvc-1")));
            assertThat(Images.list(dir)).isEmpty();
        }
    }

    @Test
    void everyCatalogAndVerifierPathSaysAccessDenied() {
        try (S3ObjectSource s3 = wrongSecret(); BackupstoreCatalog catalog = BackupstoreCatalog.builder(s3, TARGET).build()) {
            Consumer<ThrowingCallable> each = AccessDeniedTest::denied;
            each.accept(catalog::listBackupVolumes);
            each.accept(() -> catalog.findBackupVolume("pvc-1"));
            each.accept(() -> catalog.getBackupVolume("pvc-1"));
            each.accept(() -> catalog.listBackups("pvc-1"));
            each.accept(() -> catalog.findBackup("pvc-1", "backup-0000000000000001"));
            each.accept(() -> catalog.newestCompleteBackup("pvc-1"));
            each.accept(catalog::newestCompleteBackups);
            each.accept(catalog::scanAll);
            BackupVerifier verifier = BackupVerifier.builder(s3, TARGET).build();
            each.accept(() -> verifier.verifyBackup("pvc-1", "backup-0000000000000001"));
            each.accept(() -> verifier.verifyVolume("pvc-1"));
            each.accept(verifier::verifyAll);
        }
    }
}
