package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.CompressionMethod;
import io.drkit.examples.support.Hashes;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.WrittenBackup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dr verify} and {@code dr restore-to-file} against a directory backupstore, healthy and damaged. */
class DrCliImageTest {
    @TempDir
    Path dir;
    Path store;
    WrittenBackup first;
    WrittenBackup second;
    private final CliHarness cli = CliHarness.offline();

    @BeforeEach
    void writeStore() throws Exception {
        store = Files.createDirectories(dir.resolve("store"));
        BackupstoreWriter w = BackupstoreWriter.create(DirectoryObjectSource.of(store), BackupTarget.directory(store), 11);
        BackupstoreWriter.VolumeWriter v = w.volume("pvc-db").size(12L << 20).compression(CompressionMethod.LZ4).pvc("shop/db");
        first = v.backup("backup-0000000000000001", Instant.parse("2026-11-24T03:00:00Z"), d -> d.text(0).random(2L << 20));
        second = v.backup("backup-0000000000000002", Instant.parse("2026-11-25T03:00:00Z"), d -> d.mixed(6L << 20));
    }

    /** Overwrites the stored block at offset 0 (shared by both backups) with garbage. */
    private void corruptSharedBlock() throws Exception {
        try (var files = Files.walk(store)) {
            Path block = files.filter(p -> p.toString().endsWith(".blk"))
                    .filter(p -> p.getFileName().toString().startsWith(first.blocks().get(0L)))
                    .findFirst().orElseThrow();
            Files.writeString(block, "not an lz4 frame");
        }
    }

    @Test
    void verifyReportsHealthyBackupsWithExitCode0() {
        CliHarness.Result r = cli.run("verify", "--backupstore", store.toString(), "--level", "full");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("backup-0000000000000001").contains("backup-0000000000000002").contains("OK: 2 backups verified (full)");
    }

    @Test
    void verifyNamesADamagedBlockItsOffsetsAndItsBlastRadius() throws Exception {
        corruptSharedBlock();
        CliHarness.Result r = cli.run("verify", "pvc-db", "--backupstore", store.toString(), "--level", "full");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(r.out()).contains("DAMAGED").contains(first.blocks().get(0L)).contains("at offset(s) [0]")
                .contains("also breaks: backup-0000000000000001");
        CliHarness.Result json = cli.run("verify", "pvc-db", "--backup", "backup-0000000000000002", "--backupstore",
                store.toString(), "--level", "sample", "--sample-fraction", "1", "-o", "json");
        assertThat(json.exitCode()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(json.out()).contains("\"kind\" : \"VerificationResult\"").contains("\"status\" : \"DAMAGED\"");
    }

    @Test
    void restoreToFileWritesTheExactImageAndNeverOverwrites() throws Exception {
        Path image = dir.resolve("db.img");
        CliHarness.Result r = cli.run("restore-to-file", "pvc-db", "--backupstore", store.toString(), "--output", image.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("restored pvc-db/backup-0000000000000002");
        assertThat(Files.size(image)).isEqualTo(12L << 20);
        assertThat(Hashes.sha256(image)).isEqualTo(second.image().orElseThrow().sha256());

        CliHarness.Result again = cli.run("restore-to-file", "pvc-db", "--backupstore", store.toString(), "--output", image.toString());
        assertThat(again.exitCode()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(Hashes.sha256(image)).isEqualTo(second.image().orElseThrow().sha256());

        Path older = dir.resolve("older.img");
        CliHarness.Result asOf = cli.run("restore-to-file", "pvc-db", "--backupstore", store.toString(), "--as-of",
                "2026-11-24T12:00:00Z", "--output", older.toString());
        assertThat(asOf.exitCode()).as(asOf.toString()).isZero();
        assertThat(Hashes.sha256(older)).isEqualTo(first.image().orElseThrow().sha256());
    }

    @Test
    void aDamagedBackupFailsWithoutLeavingAFileAndSalvageCompletesWithTheRanges() throws Exception {
        corruptSharedBlock();
        Path image = dir.resolve("db.img");
        CliHarness.Result failed = cli.run("restore-to-file", "pvc-db", "--backupstore", store.toString(), "--output", image.toString());
        assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(ExitCodes.BAD_DATA);
        assertThat(failed.err()).contains(first.blocks().get(0L)).contains("offset 0");
        assertThat(image).doesNotExist();
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("store");
        }

        CliHarness.Result salvaged = cli.run("restore-to-file", "pvc-db", "--backupstore", store.toString(), "--output",
                image.toString(), "--salvage");
        assertThat(salvaged.exitCode()).as(salvaged.toString()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(salvaged.out()).contains("written as zeros").contains("damaged ranges: [[0, 2097152)]");
        assertThat(Files.size(image)).isEqualTo(12L << 20);
    }

    @Test
    void verifyAndRestoreNeedTheBackupstore() {
        CliHarness.Result r = cli.run("verify");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("reads the backupstore directly");
        CliHarness.Result longhorn = cli.run("verify", "--longhorn", "http://127.0.0.1:1");
        assertThat(longhorn.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(longhorn.err()).contains("Unknown option: '--longhorn'");
    }
}
