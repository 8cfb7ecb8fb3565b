package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.catalog.SkippedEntry;
import io.drkit.core.model.BackupVolume;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.WrittenBackup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every number of a store is checked before anything is allocated or computed from it (issue 11 item 5): offsets
 * (negative, off the block grid, beyond the volume, beyond a long), volume sizes (negative, beyond the documented 256
 * TiB) and block sizes (only what Longhorn writes, up to 16 MiB). Each is typed bad data naming the value and the
 * bound; a whole-store verification checks everything else.
 */
class HostileNumbersTest {
    private static final long MIB = 1L << 20;
    private static final Instant T0 = Instant.parse("2026-11-01T03:00:00Z");

    @TempDir
    Path dir;

    private static void put(BackupstoreWriter w, String key, String json) {
        w.put(key, json.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "offset near Long.MAX_VALUE | {\"Offset\":9223372036852678656,\"BlockChecksum\":\"%s\"} | lies beyond the volume size",
        "negative offset            | {\"Offset\":-2097152,\"BlockChecksum\":\"%s\"}            | Offset -2097152 is negative",
        "offset missing             | {\"BlockChecksum\":\"%s\"}                                 | lacks Offset",
        "offset beyond a long       | {\"Offset\":99999999999999999999,\"BlockChecksum\":\"%s\"}  | 64-bit integer",
        "offset of 1,200 digits     | {\"Offset\":1%s,\"BlockChecksum\":\"%s\"}                   | Number value length"})
    void aHostileOffsetIsBadDataForRestoreAndVerifyAndTheRestOfTheStoreIsVerified(String what, String entry,
                                                                                  String message) {
        try (Stores.Store store = Stores.DIRECTORY.create()) {
            BackupstoreWriter w = BackupstoreWriter.create(store.source(), store.target(), 3);
            WrittenBackup good = w.volume("pvc-hostile").size(8 * MIB).backup("backup-0000000000000001", T0, c -> c.random(0));
            w.volume("pvc-other").size(8 * MIB).backup("backup-0000000000000001", T0, c -> c.text(2 * MIB));
            String sum = good.blocks().get(0L);
            String blocks = entry.contains("1%s") ? entry.replace("1%s", "1" + "0".repeat(1199)).replace("%s", sum)
                    : entry.replace("%s", sum);
            put(w, w.layout().backupCfg("pvc-hostile", "backup-0000000000000002"), "{\"Name\":\"backup-0000000000000002\","
                    + "\"VolumeName\":\"pvc-hostile\",\"SnapshotCreatedAt\":\"2026-11-02T03:00:00Z\",\"CreatedTime\":"
                    + "\"2026-11-02T03:01:00Z\",\"CompressionMethod\":\"lz4\",\"Blocks\":[" + blocks + "]}");

            VolumeImageRestorer restorer = VolumeImageRestorer.create(store.source(), store.target());
            assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.named("pvc-hostile", "backup-0000000000000002"),
                    dir.resolve("bad.img"))).isInstanceOf(InvalidBackupDataException.class)
                    .hasMessageContaining(message).hasMessageContaining("backup_backup-0000000000000002.cfg");
            assertThat(Images.list(dir)).isEmpty();

            VerificationResult all = BackupVerifier.builder(store.source(), store.target()).level(VerifyLevel.FULL).build()
                    .verifyAll();
            assertThat(all.find("pvc-hostile", "backup-0000000000000002").orElseThrow().problem())
                    .hasValueSatisfying(p -> assertThat(p).contains(message));
            assertThat(all.find("pvc-hostile", good.name()).orElseThrow().status()).isEqualTo(VerifyStatus.OK);
            assertThat(all.find("pvc-other", "backup-0000000000000001").orElseThrow().status()).isEqualTo(VerifyStatus.OK);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // 4 PiB, a block at slot 2^31 - 1: used to allocate a 256 MiB bit set
        "4 PiB volume               | 4503599627370496 | true  | larger than the largest volume dr-s3 accepts",
        "negative volume size       | -8388608         | false | Size -8388608 is negative"})
    void aHostileVolumeSizeSkipsThatVolumeAndIsBadDataForRestoreAndVerify(String what, long size, boolean lastIntSlot,
                                                                          String message) {
        long blockOffset = lastIntSlot ? ((1L << 31) - 1) * 2 * MIB : 0;
        try (Stores.Store store = Stores.DIRECTORY.create()) {
            BackupstoreWriter w = BackupstoreWriter.create(store.source(), store.target(), 3);
            WrittenBackup good = w.volume("pvc-huge").size(8 * MIB).backup("backup-0000000000000001", T0, c -> c.random(0));
            w.volume("pvc-other").size(8 * MIB).backup("backup-0000000000000001", T0, c -> c.text(2 * MIB));
            String volumeCfg = w.layout().volumeCfg("pvc-huge");
            put(w, volumeCfg, "{\"Name\":\"pvc-huge\",\"Size\":\"" + size + "\",\"LastBackupName\":\"backup-0000000000000001\","
                    + "\"CompressionMethod\":\"\\\"lz4\\\"\"}");
            put(w, w.layout().backupCfg("pvc-huge", "backup-0000000000000001"), "{\"Name\":\"backup-0000000000000001\","
                    + "\"VolumeName\":\"pvc-huge\",\"SnapshotCreatedAt\":\"2026-11-01T03:00:00Z\",\"CreatedTime\":"
                    + "\"2026-11-01T03:01:00Z\",\"CompressionMethod\":\"lz4\",\"Blocks\":[{\"Offset\":" + blockOffset
                    + ",\"BlockChecksum\":\"" + good.blocks().get(0L) + "\"}]}");

            try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(store.source(), store.target()).build()) {
                assertThat(catalog.listBackupVolumes()).extracting(BackupVolume::name).containsExactly("pvc-other");
                assertThat(catalog.skippedEntries()).filteredOn(e -> e.location().equals(volumeCfg)).singleElement()
                        .satisfies(e -> {
                            assertThat(e.reason()).isEqualTo(SkippedEntry.Reason.INVALID_DATA);
                            assertThat(e.detail()).contains(message);
                        });
            }
            VolumeImageRestorer restorer = VolumeImageRestorer.create(store.source(), store.target());
            assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.newest("pvc-huge"), dir.resolve("huge.img")))
                    .isInstanceOf(InvalidBackupDataException.class).hasMessageContaining(message);
            assertThat(Images.list(dir)).isEmpty();
            VerificationResult all = BackupVerifier.builder(store.source(), store.target()).build().verifyAll();
            assertThat(all.find("pvc-other", "backup-0000000000000001").orElseThrow().status()).isEqualTo(VerifyStatus.OK);
            assertThat(all.skipped()).anyMatch(e -> e.location().equals(volumeCfg) && e.detail().contains(message));
        }
    }

    @ParameterizedTest(name = "backup-block-size {0}")
    @CsvSource({"128Mi", "512Mi", "3Mi", "1", "-2Mi", "2Ei"})
    void aBlockSizeLonghornNeverWritesIsBadData(String blockSize) {
        try (Stores.Store store = Stores.DIRECTORY.create()) {
            BackupstoreWriter w = BackupstoreWriter.create(store.source(), store.target(), 3);
            WrittenBackup good = w.volume("pvc-blocks").size(512 * MIB).backup("backup-0000000000000001", T0, c -> c.random(0));
            String key = w.layout().backupCfg("pvc-blocks", "backup-0000000000000002");
            put(w, key, "{\"Name\":\"backup-0000000000000002\",\"VolumeName\":\"pvc-blocks\",\"SnapshotCreatedAt\":"
                    + "\"2026-11-02T03:00:00Z\",\"CreatedTime\":\"2026-11-02T03:01:00Z\",\"Parameters\":{\"backup-block-size\":\""
                    + blockSize + "\"},\"CompressionMethod\":\"lz4\",\"Blocks\":[{\"Offset\":0,\"BlockChecksum\":\""
                    + good.blocks().get(0L) + "\"}]}");
            try (BackupstoreCatalog catalog = BackupstoreCatalog.builder(store.source(), store.target()).build()) {
                // the rule skips it: the newest readable backup wins
                assertThat(catalog.newestCompleteBackup("pvc-blocks")).hasValueSatisfying(b ->
                        assertThat(b.name()).isEqualTo(good.name()));
                assertThat(catalog.skippedEntries()).filteredOn(e -> e.location().equals(key)).singleElement()
                        .satisfies(e -> {
                            assertThat(e.reason()).isEqualTo(SkippedEntry.Reason.INVALID_DATA);
                            assertThat(e.detail()).containsAnyOf("not a block size Longhorn writes",
                                    "invalid backup-block-size");
                        });
            }
            VolumeImageRestorer restorer = VolumeImageRestorer.create(store.source(), store.target());
            assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.named("pvc-blocks", "backup-0000000000000002"),
                    dir.resolve("b.img"))).isInstanceOf(InvalidBackupDataException.class).hasMessageContaining("backup-block-size")
                    // the key is named once, not "(at key) (at key)"
                    .satisfies(e -> assertThat(e.getMessage().split("\\(at ", -1)).hasSize(2));
        }
    }
}
