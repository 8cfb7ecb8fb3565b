package io.drkit.s3.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.BackupstoreLayout;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.ObjectStream;
import io.drkit.s3.internal.BlockCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fixture writer writes what Longhorn writes, byte for byte, and can recompute every image it wrote. */
class BackupstoreWriterTest {
    private static final String ZERO_2M = "731859029215873fdac1c9f2f8bd25a334abf0f3a9e1b057cf2cacc2826d86b0";

    @TempDir
    Path dir;

    private String read(DirectoryObjectSource s, String key) {
        try (ObjectStream in = s.get(key)) {
            return new String(in.readAllBytesUnchecked(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void cfgsAreWrittenExactlyAsGoMarshalsLonghornsStructs() {
        DirectoryObjectSource s = DirectoryObjectSource.of(dir);
        BackupstoreWriter w = BackupstoreWriter.create(s, BackupTarget.directory(dir), 1);
        BackupstoreWriter.VolumeWriter v = w.volume("pvc-3f1c").size(10L << 30).compression(CompressionMethod.NONE)
                .storageClass("longhorn").createdAt(Instant.parse("2025-01-02T03:04:05Z"))
                .label("RecurringJob", "daily").label("longhorn.io/volume-access-mode", "rwo").label("html", "<a&b>");
        v.backup("backup-0a1b2c3d4e5f6071", Instant.parse("2025-03-01T00:00:07Z"),
                c -> c.zero(0).completedAt(Instant.parse("2025-03-01T00:00:41Z")));
        String labels = "{\"RecurringJob\":\"daily\",\"html\":\"\\u003ca\\u0026b\\u003e\",\"longhorn.io/volume-access-mode\":\"rwo\"}";
        assertThat(read(s, w.layout().backupCfg("pvc-3f1c", "backup-0a1b2c3d4e5f6071"))).isEqualTo(
                "{\"Name\":\"backup-0a1b2c3d4e5f6071\",\"VolumeName\":\"pvc-3f1c\",\"SnapshotName\":\"snap-4e5f6071\","
                + "\"SnapshotCreatedAt\":\"2025-03-01T00:00:07Z\",\"CreatedTime\":\"2025-03-01T00:00:41Z\",\"Size\":\"2097152\","
                + "\"Labels\":" + labels + ",\"Parameters\":{\"backup-block-size\":\"2097152\",\"backup-mode\":\"incremental\"},"
                + "\"IsIncremental\":false,\"CompressionMethod\":\"none\",\"NewlyUploadedDataSize\":\"2097152\","
                + "\"ReUploadedDataSize\":\"0\",\"ProcessingBlocks\":{},\"Blocks\":[{\"Offset\":0,\"BlockChecksum\":\"" + ZERO_2M
                + "\"}],\"SingleFile\":{\"FilePath\":\"\"}}");
        v.backup("backup-1111111111111111", Instant.parse("2025-03-02T00:00:07Z"),
                c -> c.zero(2L << 20).completedAt(Instant.parse("2025-03-02T00:00:09Z")));
        assertThat(read(s, w.layout().backupCfg("pvc-3f1c", "backup-1111111111111111"))).isEqualTo(
                "{\"Name\":\"backup-1111111111111111\",\"VolumeName\":\"pvc-3f1c\",\"SnapshotName\":\"snap-11111111\","
                + "\"SnapshotCreatedAt\":\"2025-03-02T00:00:07Z\",\"CreatedTime\":\"2025-03-02T00:00:09Z\",\"Size\":\"4194304\","
                + "\"Labels\":" + labels + ",\"Parameters\":{\"backup-block-size\":\"2097152\",\"backup-mode\":\"incremental\"},"
                + "\"IsIncremental\":true,\"CompressionMethod\":\"none\",\"NewlyUploadedDataSize\":\"0\","
                + "\"ReUploadedDataSize\":\"0\",\"ProcessingBlocks\":null,\"Blocks\":[{\"Offset\":0,\"BlockChecksum\":\"" + ZERO_2M
                + "\"},{\"Offset\":2097152,\"BlockChecksum\":\"" + ZERO_2M + "\"}],\"SingleFile\":{\"FilePath\":\"\"}}");
        assertThat(read(s, w.layout().volumeCfg("pvc-3f1c"))).isEqualTo(
                "{\"Name\":\"pvc-3f1c\",\"Size\":\"10737418240\",\"Labels\":" + labels + ",\"CreatedTime\":\"2025-01-02T03:04:05Z\","
                + "\"LastBackupName\":\"backup-1111111111111111\",\"LastBackupAt\":\"2025-03-02T00:00:07Z\",\"BlockCount\":\"1\","
                + "\"BackingImageName\":\"\\\"\\\"\",\"BackingImageChecksum\":\"\\\"\\\"\",\"CompressionMethod\":\"\\\"none\\\"\","
                + "\"StorageClassName\":\"\\\"longhorn\\\"\",\"DataEngine\":\"\\\"v1\\\"\"}");
        // the zero block was uploaded once (dedup by checksum), uncompressed
        assertThat(dir.resolve(w.layout().blockKey("pvc-3f1c", ZERO_2M))).hasSize(2L << 20);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "V1_0, '{\"Name\":\"pvc-1\",\"Size\":\"4194304\",\"CreatedTime\":\"2020-01-01T00:00:00Z\",\"LastBackupName\":\"backup-1\",\"LastBackupAt\":\"2020-01-01T00:00:00Z\",\"BlockCount\":\"1\"}', "
            + "'{\"Name\":\"backup-1\",\"VolumeName\":\"pvc-1\",\"SnapshotName\":\"snap-backup-1\",\"SnapshotCreatedAt\":\"2020-01-01T00:00:00Z\",\"CreatedTime\":\"2020-01-01T00:01:00Z\",\"Size\":\"2097152\",\"Labels\":null,\"IsIncremental\":false,\"Blocks\":'",
        "V1_1_1, '{\"Name\":\"pvc-1\",\"Size\":\"4194304\",\"Labels\":null,\"CreatedTime\":\"2020-01-01T00:00:00Z\",\"LastBackupName\":\"backup-1\",\"LastBackupAt\":\"2020-01-01T00:00:00Z\",\"BlockCount\":\"1\",\"BackingImageName\":\"\\\"\\\"\",\"BackingImageURL\":\"\\\"\\\"\"}', "
            + "'{\"Name\":\"backup-1\",\"VolumeName\":\"pvc-1\",\"SnapshotName\":\"snap-backup-1\",\"SnapshotCreatedAt\":\"2020-01-01T00:00:00Z\",\"CreatedTime\":\"2020-01-01T00:01:00Z\",\"Size\":\"2097152\",\"Labels\":null,\"IsIncremental\":false,\"Blocks\":'",
        "V1_2, '{\"Name\":\"pvc-1\",\"Size\":\"4194304\",\"Labels\":null,\"CreatedTime\":\"2020-01-01T00:00:00Z\",\"LastBackupName\":\"backup-1\",\"LastBackupAt\":\"2020-01-01T00:00:00Z\",\"BlockCount\":\"1\",\"BackingImageName\":\"\\\"\\\"\",\"BackingImageChecksum\":\"\\\"\\\"\"}', "
            + "'{\"Name\":\"backup-1\",\"VolumeName\":\"pvc-1\",\"SnapshotName\":\"snap-backup-1\",\"SnapshotCreatedAt\":\"2020-01-01T00:00:00Z\",\"CreatedTime\":\"2020-01-01T00:01:00Z\",\"Size\":\"2097152\",\"Labels\":null,\"IsIncremental\":false,\"Blocks\":'",
        "V1_5, '{\"Name\":\"pvc-1\",\"Size\":\"4194304\",\"Labels\":null,\"CreatedTime\":\"2020-01-01T00:00:00Z\",\"LastBackupName\":\"backup-1\",\"LastBackupAt\":\"2020-01-01T00:00:00Z\",\"BlockCount\":\"1\",\"BackingImageName\":\"\\\"\\\"\",\"BackingImageChecksum\":\"\\\"\\\"\",\"CompressionMethod\":\"\\\"gzip\\\"\",\"StorageClassName\":\"\\\"\\\"\"}', "
            + "'{\"Name\":\"backup-1\",\"VolumeName\":\"pvc-1\",\"SnapshotName\":\"snap-backup-1\",\"SnapshotCreatedAt\":\"2020-01-01T00:00:00Z\",\"CreatedTime\":\"2020-01-01T00:01:00Z\",\"Size\":\"2097152\",\"Labels\":null,\"IsIncremental\":false,\"CompressionMethod\":\"gzip\",\"ProcessingBlocks\":{},\"Blocks\":'"})
    void olderReleasesShapesHaveTheirFieldsInTheirOrder(CfgFormat format, String volumeCfg, String backupPrefix) {
        DirectoryObjectSource s = DirectoryObjectSource.of(dir);
        BackupstoreWriter w = BackupstoreWriter.create(s, BackupTarget.directory(dir), 1);
        BackupstoreWriter.VolumeWriter v = w.volume("pvc-1").size(4L << 20).format(format).compression(CompressionMethod.GZIP)
                .createdAt(Instant.parse("2020-01-01T00:00:00Z"));
        v.backup("backup-1", Instant.parse("2020-01-01T00:00:00Z"), c -> c.text(0));
        assertThat(read(s, w.layout().volumeCfg("pvc-1"))).isEqualTo(volumeCfg);
        assertThat(read(s, w.layout().backupCfg("pvc-1", "backup-1"))).startsWith(backupPrefix)
                .endsWith("}],\"SingleFile\":{\"FilePath\":\"\"}}");
    }

    @ParameterizedTest(name = "{0}, {1} byte blocks")
    @CsvSource({"LZ4, 2097152", "GZIP, 2097152", "NONE, 2097152", "LZ4, 16777216"})
    void storedBlocksDecodeToTheExpectedImage(CompressionMethod codec, int blockSize) throws Exception {
        DirectoryObjectSource s = DirectoryObjectSource.of(dir);
        BackupstoreWriter w = BackupstoreWriter.create(s, BackupTarget.directory(dir), 5);
        BackupstoreWriter.VolumeWriter v = w.volume("pvc-img").size(8L * blockSize).compression(codec).blockSize(blockSize);
        v.backup("backup-1", Instant.parse("2026-01-01T00:00:00Z"), c -> c.random(0).text(2L * blockSize).zero(5L * blockSize));
        WrittenBackup b2 = v.backup("backup-2", Instant.parse("2026-01-02T00:00:00Z"), c -> c.mixed(2L * blockSize).random(7L * blockSize));
        ExpectedImage image = b2.image().orElseThrow();
        assertThat(image.blocks().keySet()).containsExactly(0L, 2L * blockSize, 5L * blockSize, 7L * blockSize);
        assertThat(image.size()).isEqualTo(8L * blockSize);
        // rebuild the image from the store the way a restore does, and compare with the writer's expectation
        Path restored = dir.resolve("restored.img");
        try (var ch = java.nio.channels.FileChannel.open(restored, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(image.size());
            ch.write(java.nio.ByteBuffer.allocate(1), image.size() - 1);
            for (Map.Entry<Long, String> e : image.blocks().entrySet()) {
                byte[] stored = Files.readAllBytes(dir.resolve(w.layout().blockKey("pvc-img", e.getValue())));
                byte[] data = BlockCodec.decode(codec, stored, stored.length, blockSize, e.getValue()).data();
                ch.write(java.nio.ByteBuffer.wrap(data), e.getKey());
            }
        }
        Path expected = dir.resolve("expected.img");
        image.writeTo(expected);
        assertThat(Files.mismatch(restored, expected)).isEqualTo(-1L);
        assertThat(sha256(restored)).isEqualTo(image.sha256());
        assertThat(image.block(5L * blockSize)).isEqualTo(new byte[blockSize]);
        SortedMap<Long, String> first = v.backups().get("backup-1").blocks();
        assertThat(first.get(2L * blockSize)).isNotEqualTo(image.blocks().get(2L * blockSize));
    }

    private static String sha256(Path f) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    @Test
    void inProgressCfgsHaveLonghornsStep2Shape() {
        DirectoryObjectSource s = DirectoryObjectSource.of(dir);
        BackupstoreWriter w = BackupstoreWriter.create(s, BackupTarget.directory(dir), 1);
        WrittenBackup b = w.volume("pvc-1").size(4L << 20).inProgressBackup("backup-9", Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(read(s, b.cfgKey())).isEqualTo("{\"Name\":\"backup-9\",\"VolumeName\":\"pvc-1\",\"SnapshotName\":\"\","
                + "\"SnapshotCreatedAt\":\"\",\"CreatedTime\":\"\",\"Size\":\"0\",\"Labels\":null,\"Parameters\":null,"
                + "\"IsIncremental\":false,\"CompressionMethod\":\"lz4\",\"NewlyUploadedDataSize\":\"0\",\"ReUploadedDataSize\":\"0\","
                + "\"ProcessingBlocks\":null,\"SingleFile\":{\"FilePath\":\"\"}}");
        assertThat(b.complete()).isFalse();
    }

    @Test
    void junkEntriesLandWhereRealStoresHaveThem() {
        DirectoryObjectSource s = DirectoryObjectSource.of(dir);
        BackupstoreWriter w = BackupstoreWriter.create(s, BackupTarget.directory(dir), 1);
        assertThat(w.backingImageLockDir()).isEqualTo("backupstore/volumes/22/fc/BACKINGIMAGE/");
        assertThat(w.dsStore()).isEqualTo("backupstore/volumes/.DS_Store");
        assertThat(w.tempFile("pvc-1")).matches(".*/backups/backup_backup-tmp0000000000001\\.cfg\\.tmp\\.[0-9]+");
        assertThat(w.systemBackup("v1.8.1", "sb-1", Instant.EPOCH)).isEqualTo("backupstore/system-backups/v1.8.1/sb-1/");
        assertThat(dir.resolve("backupstore/system-backups/v1.8.1/sb-1/system-backup.zip")).exists();
        assertThat(BackupstoreLayout.isTempFile(w.tempFile("pvc-1"))).isTrue();
        assertThat(w.writtenKeys()).hasSize(6);
    }

    @Test
    void aLostPointerUpdateLeavesThePointerOnTheOlderBackupWrittenBeforeIt() {
        DirectoryObjectSource s = DirectoryObjectSource.of(dir);
        BackupstoreWriter w = BackupstoreWriter.create(s, BackupTarget.directory(dir), 1);
        BackupstoreWriter.VolumeWriter v = w.volume("pvc-1").size(4L << 20).metadataOnly();
        v.backup("backup-0000000000000001", Instant.parse("2026-01-01T00:00:00Z"), c -> c.random(0));
        w.awaitLaterTimestamps();
        v.backup("backup-0000000000000002", Instant.parse("2026-01-02T00:00:00Z"), c -> c.random(0).pointerUpdateLost());
        assertThat(read(s, w.layout().volumeCfg("pvc-1"))).contains("\"LastBackupName\":\"backup-0000000000000001\"");
        Instant older = s.head(w.layout().backupCfg("pvc-1", "backup-0000000000000001")).orElseThrow().lastModified();
        Instant newer = s.head(w.layout().backupCfg("pvc-1", "backup-0000000000000002")).orElseThrow().lastModified();
        assertThat(newer).isAfter(older);
        assertThat(v.backups()).containsKeys("backup-0000000000000001", "backup-0000000000000002");
    }
}
