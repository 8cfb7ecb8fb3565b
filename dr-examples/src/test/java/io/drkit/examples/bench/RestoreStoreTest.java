package io.drkit.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.model.BackupTarget;
import io.drkit.s3.BackupSelection;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.ImageRestoreResult;
import io.drkit.s3.VolumeImageRestorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The A/B script's store: what RestoreStore prints is what a restore of the store it wrote gives. */
class RestoreStoreTest {

    @Test
    void theStoreRestoresToTheImageWhoseChecksumItPrints(@TempDir Path dir) throws Exception {
        String printed = Stdout.of(() -> RestoreStore.main(
                "--dir", dir.resolve("store").toString(), "--size-mib", "64", "--codec", "gzip"));
        String[] line = printed.trim().split(" ");
        assertThat(line).hasSize(3);
        assertThat(line[0]).isEqualTo("pvc-bench-ab");
        assertThat(line[1]).isEqualTo(RestoreStore.BACKUP);
        Path store = dir.resolve("store");
        Path img = dir.resolve("img");
        ImageRestoreResult r = VolumeImageRestorer.builder(DirectoryObjectSource.of(store), BackupTarget.directory(store))
                .build().restoreToFile(BackupSelection.named(line[0], line[1]), img);
        assertThat(r.blocksListed()).as("some of the 32 slots are holes").isLessThan(32).isGreaterThan(24);
        assertThat(r.zeroBlocks()).as("explicit zero blocks").isPositive();
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(Files.readAllBytes(img));
        assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(line[2]);
    }
}
