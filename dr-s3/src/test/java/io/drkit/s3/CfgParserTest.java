package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidBackupDataException;
import io.drkit.core.model.BackupUrl;
import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.internal.BackupConfig;
import io.drkit.s3.internal.BlockMapping;
import io.drkit.s3.internal.BlocksReader;
import io.drkit.s3.internal.CfgParser;
import io.drkit.s3.internal.VolumeConfig;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** volume.cfg and backup cfg shapes Longhorn has written from 1.0 to 1.12, and the quirks around them. */
class CfgParserTest {

    private static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> volumeCfgs() {
        return Stream.of(
            Arguments.of("v1.0/v1.1.0 fields only",
                "{\"Name\":\"pvc-1\",\"Size\":\"10737418240\",\"CreatedTime\":\"2020-01-02T03:04:05Z\",\"LastBackupName\":\"backup-a\","
                    + "\"LastBackupAt\":\"2020-01-03T00:00:00Z\",\"BlockCount\":\"12\"}",
                10737418240L, "gzip", "v1", "", "backup-a", 0),
            Arguments.of("v1.1.1 with null labels and BackingImageURL",
                "{\"Name\":\"pvc-1\",\"Size\":\"2147483648\",\"Labels\":null,\"CreatedTime\":\"2021-01-02T03:04:05Z\",\"LastBackupName\":\"\","
                    + "\"LastBackupAt\":\"\",\"BlockCount\":\"0\",\"BackingImageName\":\"\\\"\\\"\",\"BackingImageURL\":\"\\\"\\\"\"}",
                2147483648L, "gzip", "v1", "", "", 0),
            Arguments.of("v1.2-v1.4 with backing image",
                "{\"Name\":\"pvc-1\",\"Size\":\"2147483648\",\"Labels\":{\"RecurringJob\":\"daily\"},\"CreatedTime\":\"2022-01-02T03:04:05Z\","
                    + "\"LastBackupName\":\"backup-b\",\"LastBackupAt\":\"2022-01-03T00:00:00Z\",\"BlockCount\":\"3\","
                    + "\"BackingImageName\":\"\\\"bi-ubuntu\\\"\",\"BackingImageChecksum\":\"\\\"abc123\\\"\"}",
                2147483648L, "gzip", "v1", "", "backup-b", 1),
            Arguments.of("v1.5 lz4 and storage class",
                "{\"Name\":\"pvc-1\",\"Size\":\"1073741824\",\"Labels\":{},\"CreatedTime\":\"2023-06-01T00:00:00Z\",\"LastBackupName\":\"backup-c\","
                    + "\"LastBackupAt\":\"2023-06-02T00:00:00Z\",\"BlockCount\":\"7\",\"BackingImageName\":\"\\\"\\\"\",\"BackingImageChecksum\":\"\\\"\\\"\","
                    + "\"CompressionMethod\":\"\\\"lz4\\\"\",\"StorageClassName\":\"\\\"longhorn\\\"\"}",
                1073741824L, "lz4", "v1", "longhorn", "backup-c", 0),
            Arguments.of("v1.6-v1.12 with data engine v2",
                "{\"Name\":\"pvc-1\",\"Size\":\"1073741824\",\"Labels\":{\"KubernetesStatus\":\"{\\\"namespace\\\":\\\"shop\\\"}\"},"
                    + "\"CreatedTime\":\"2025-01-02T03:04:05Z\",\"LastBackupName\":\"backup-d\",\"LastBackupAt\":\"2025-03-01T00:00:07Z\","
                    + "\"BlockCount\":\"312\",\"BackingImageName\":\"\\\"\\\"\",\"BackingImageChecksum\":\"\\\"\\\"\","
                    + "\"CompressionMethod\":\"\\\"none\\\"\",\"StorageClassName\":\"\\\"longhorn-ssd\\\"\",\"DataEngine\":\"\\\"v2\\\"\"}",
                1073741824L, "none", "v2", "longhorn-ssd", "backup-d", 1),
            Arguments.of("hand-edited plain strings",
                "{\"Name\":\"pvc-1\",\"Size\":\"1073741824\",\"CompressionMethod\":\"lz4\",\"StorageClassName\":\"fast\",\"DataEngine\":\"v1\"}",
                1073741824L, "lz4", "v1", "fast", "", 0),
            Arguments.of("numbers as numbers",
                "{\"Name\":\"pvc-1\",\"Size\":1073741824,\"BlockCount\":5}",
                1073741824L, "gzip", "v1", "", "", 0),
            Arguments.of("keys in other case, as Go matches them",
                "{\"name\":\"pvc-1\",\"SIZE\":\"4096\",\"compressionmethod\":\"\\\"lz4\\\"\",\"lastBackupName\":\"backup-e\"}",
                4096L, "lz4", "v1", "", "backup-e", 0),
            Arguments.of("unknown and future keys",
                "{\"Driver\":\"s3\",\"Name\":\"pvc-1\",\"Size\":\"4096\",\"BlockSize\":\"2097152\",\"LinkedCloneSourceVolume\":\"\\\"\\\"\","
                    + "\"Extra\":{\"nested\":[1,2,{\"a\":null}]}}",
                4096L, "gzip", "v1", "", "", 0),
            Arguments.of("empty object gets Longhorn's defaults", "{}", 0L, "gzip", "v1", "", "", 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("volumeCfgs")
    void parsesEveryVolumeCfgShape(String shape, String json, long size, String compression, String engine,
                                   String storageClass, String pointer, int labels) {
        VolumeConfig v = CfgParser.parseVolume(in(json), "volume.cfg");
        assertThat(v.size()).isEqualTo(size);
        assertThat(v.compressionMethod()).isEqualTo(compression);
        assertThat(v.compression()).isEqualTo(CompressionMethod.parse(compression).orElseThrow());
        assertThat(v.dataEngine()).isEqualTo(engine);
        assertThat(v.storageClassName()).isEqualTo(storageClass);
        assertThat(v.lastBackupName()).isEqualTo(pointer);
        assertThat(v.labels()).hasSize(labels);
    }

    @Test
    void doubleEncodedBackingImageFieldsAreDecoded() {
        VolumeConfig v = CfgParser.parseVolume(in("{\"BackingImageName\":\"\\\"bi-ubuntu\\\"\",\"BackingImageChecksum\":\"\\\"abc\\\"\","
                + "\"Labels\":{\"html\":\"a\\u003cb\\u003e\\u0026\"}}"), "k");
        assertThat(v.backingImageName()).isEqualTo("bi-ubuntu");
        assertThat(v.backingImageChecksum()).isEqualTo("abc");
        assertThat(v.labels()).containsEntry("html", "a<b>&");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"[]", "", "{\"Size\":\"ten\"}", "{\"Labels\":\"x\"}", "{\"Name\":", "{\"Name\":\"a\"",
        "{\"Labels\":{\"k\":{}}}", "not json"})
    void rejectsVolumeCfgsThatAreNotValid(String json) {
        assertThatThrownBy(() -> CfgParser.parseVolume(in(json), "vol/volume.cfg"))
                .isInstanceOf(InvalidBackupDataException.class).hasMessageContaining("vol/volume.cfg");
    }

    @Test
    void anUnknownCompressionMethodIsInvalidData() {
        VolumeConfig v = CfgParser.parseVolume(in("{\"CompressionMethod\":\"\\\"zstd\\\"\"}"), "k");
        assertThatThrownBy(v::compression).isInstanceOf(InvalidBackupDataException.class).hasMessageContaining("zstd");
    }

    static Stream<Arguments> backupCfgs() {
        String blocks = ",\"Blocks\":[{\"Offset\":0,\"BlockChecksum\":\"" + "a".repeat(64) + "\"}],\"SingleFile\":{\"FilePath\":\"\"}}";
        return Stream.of(
            Arguments.of("v1.0-v1.4: no compression, no parameters",
                "{\"Name\":\"backup-1\",\"VolumeName\":\"pvc-1\",\"SnapshotName\":\"s1\",\"SnapshotCreatedAt\":\"2020-01-01T00:00:00Z\","
                    + "\"CreatedTime\":\"2020-01-01T00:01:00Z\",\"Size\":\"2097152\",\"Labels\":null,\"IsIncremental\":false" + blocks,
                "gzip", 2L << 20, false, 2097152L),
            Arguments.of("v1.5: compression and null ProcessingBlocks",
                "{\"Name\":\"backup-1\",\"VolumeName\":\"pvc-1\",\"SnapshotName\":\"s1\",\"SnapshotCreatedAt\":\"2023-01-01T00:00:00Z\","
                    + "\"CreatedTime\":\"2023-01-01T00:01:00Z\",\"Size\":\"2097152\",\"Labels\":{\"RecurringJob\":\"d\"},"
                    + "\"IsIncremental\":true,\"CompressionMethod\":\"lz4\",\"ProcessingBlocks\":null" + blocks,
                "lz4", 2L << 20, false, 2097152L),
            Arguments.of("v1.7-v1.9: parameters without block size",
                "{\"Name\":\"backup-1\",\"VolumeName\":\"pvc-1\",\"SnapshotName\":\"s1\",\"SnapshotCreatedAt\":\"2024-01-01T00:00:00Z\","
                    + "\"CreatedTime\":\"2024-01-01T00:01:00Z\",\"Size\":\"2097152\",\"Labels\":{},\"Parameters\":{\"backup-mode\":\"full\"},"
                    + "\"IsIncremental\":false,\"CompressionMethod\":\"gzip\",\"NewlyUploadedDataSize\":\"1000\",\"ReUploadedDataSize\":\"0\","
                    + "\"ProcessingBlocks\":{}" + blocks,
                "gzip", 2L << 20, false, 2097152L),
            Arguments.of("v1.10+: 16 MiB blocks",
                "{\"Name\":\"backup-1\",\"VolumeName\":\"pvc-1\",\"SnapshotName\":\"s1\",\"SnapshotCreatedAt\":\"2025-01-01T00:00:00Z\","
                    + "\"CreatedTime\":\"2025-01-01T00:01:00Z\",\"Size\":\"16777216\",\"Labels\":null,"
                    + "\"Parameters\":{\"backup-block-size\":\"16777216\",\"backup-mode\":\"incremental\"},\"IsIncremental\":true,"
                    + "\"CompressionMethod\":\"none\",\"NewlyUploadedDataSize\":\"16777216\",\"ReUploadedDataSize\":\"0\","
                    + "\"ProcessingBlocks\":null" + blocks,
                "none", 16L << 20, false, 16777216L),
            Arguments.of("block size as a quantity",
                "{\"Name\":\"backup-1\",\"CreatedTime\":\"2025-01-01T00:01:00Z\",\"Parameters\":{\"backup-block-size\":\"16Mi\"}}",
                "gzip", 16L << 20, false, 0L),
            Arguments.of("zero block size means the default",
                "{\"Name\":\"backup-1\",\"CreatedTime\":\"2025-01-01T00:01:00Z\",\"Parameters\":{\"backup-block-size\":\"0\"}}",
                "gzip", 2L << 20, false, 0L),
            Arguments.of("in-progress cfg as Longhorn writes it",
                "{\"Name\":\"backup-1\",\"VolumeName\":\"pvc-1\",\"SnapshotName\":\"\",\"SnapshotCreatedAt\":\"\",\"CreatedTime\":\"\","
                    + "\"Size\":\"0\",\"Labels\":null,\"Parameters\":null,\"IsIncremental\":false,\"CompressionMethod\":\"lz4\","
                    + "\"NewlyUploadedDataSize\":\"0\",\"ReUploadedDataSize\":\"0\",\"ProcessingBlocks\":null,\"SingleFile\":{\"FilePath\":\"\"}}",
                "lz4", 2L << 20, true, 0L),
            Arguments.of("longhorn-tests' minimal in-progress cfg",
                "{\"Name\":\"dummy_backup\",\"VolumeName\":\"pvc-1\",\"CreatedTime\":\"\"}", "gzip", 2L << 20, true, 0L),
            Arguments.of("numbers as numbers, booleans as strings, other key case",
                "{\"name\":\"backup-1\",\"createdtime\":\"2025-01-01T00:01:00Z\",\"Size\":2097152,\"IsIncremental\":\"true\"}",
                "gzip", 2L << 20, false, 2097152L),
            Arguments.of("Blocks before the other fields (hand-made)",
                "{\"Blocks\":[{\"Offset\":0,\"BlockChecksum\":\"" + "b".repeat(64) + "\"}],\"Name\":\"backup-1\","
                    + "\"CreatedTime\":\"2025-01-01T00:01:00Z\",\"Size\":\"2097152\",\"CompressionMethod\":\"lz4\"}",
                "lz4", 2L << 20, false, 2097152L),
            Arguments.of("unknown keys, including an unreleased BlockSize",
                "{\"Name\":\"backup-1\",\"CreatedTime\":\"2025-01-01T00:01:00Z\",\"BlockSize\":\"2097152\",\"Future\":[{\"x\":[]}]}",
                "gzip", 2L << 20, false, 0L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backupCfgs")
    void parsesEveryBackupCfgShape(String shape, String json, String compression, long blockSize, boolean inProgress,
                                   long size) {
        BackupConfig b = CfgParser.parseBackupMetadataComplete(in(json), "cfg");
        assertThat(b.compressionMethod()).isEqualTo(compression);
        assertThat(b.blockSize()).isEqualTo(blockSize);
        assertThat(b.inProgress()).isEqualTo(inProgress);
        assertThat(b.size()).isEqualTo(size);
        assertThat(b.name()).isNotEmpty();
    }

    @Test
    void aCompleteBackupBecomesADrCoreValue() {
        BackupConfig b = CfgParser.parseBackupMetadataComplete(in("{\"Name\":\"backup-1\",\"VolumeName\":\"pvc-1\","
                + "\"SnapshotName\":\"s1\",\"SnapshotCreatedAt\":\"2025-03-01T00:00:07Z\",\"CreatedTime\":\"2025-03-01T00:00:41Z\","
                + "\"Size\":\"4194304\",\"Labels\":{\"RecurringJob\":\"daily\"},\"Parameters\":{\"backup-block-size\":\"16777216\"},"
                + "\"IsIncremental\":true,\"CompressionMethod\":\"lz4\"}"), "cfg");
        var backup = b.toBackup(BackupUrl.parse("s3://b@r/?backup=backup-1&volume=pvc-1"), 1L << 30, "cfg");
        assertThat(backup.isComplete()).isTrue();
        assertThat(backup.snapshotCreatedAt()).contains(java.time.Instant.parse("2025-03-01T00:00:07Z"));
        assertThat(backup.completedAt()).contains(java.time.Instant.parse("2025-03-01T00:00:41Z"));
        assertThat(backup.blockSize()).isEqualTo(16L << 20);
        assertThat(backup.volumeSize()).isEqualTo(1L << 30);
        assertThat(backup.labels()).containsEntry("RecurringJob", "daily");
        assertThat(backup.compression()).isEqualTo(CompressionMethod.LZ4);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"Name\":\"b\",\"Size\":\"x\"}", "[1]", "{\"Labels\":[]}", "{\"Name\":{}}", "garbage"})
    void rejectsBackupCfgsThatAreNotValid(String json) {
        assertThatThrownBy(() -> CfgParser.parseBackupMetadataComplete(in(json), "backups/backup_b.cfg"))
                .isInstanceOf(InvalidBackupDataException.class).hasMessageContaining("backups/backup_b.cfg");
    }

    @Test
    void badTimesAndBlockSizesAreInvalidData() {
        BackupConfig b = CfgParser.parseBackupMetadataComplete(in("{\"Name\":\"b1\",\"CreatedTime\":\"yesterday\","
                + "\"Parameters\":{\"backup-block-size\":\"big\"}}"), "cfg");
        assertThatThrownBy(b::blockSize).isInstanceOf(InvalidBackupDataException.class).hasMessageContaining("big");
        assertThatThrownBy(() -> b.toBackup(null, 0, "cfg")).isInstanceOf(InvalidBackupDataException.class);
    }

    @Test
    void aPrefixThatEndsBeforeBlocksIsReportedAsTruncated() {
        String json = "{\"Name\":\"backup-1\",\"Labels\":{\"a\":\"" + "x".repeat(1000) + "\"},\"CreatedTime\":\"2025-01-01T00:00:00Z\"}";
        assertThatThrownBy(() -> CfgParser.parseBackupMetadata(in(json.substring(0, 500)), "cfg"))
                .isInstanceOf(CfgParser.TruncatedException.class);
    }

    @Test
    void metadataParsingStopsAtBlocksWithoutReadingThem() throws Exception {
        StringBuilder sb = new StringBuilder("{\"Name\":\"backup-1\",\"VolumeName\":\"pvc-1\",\"CreatedTime\":\"2025-01-01T00:00:00Z\","
                + "\"Size\":\"1\",\"Labels\":null,\"IsIncremental\":true,\"CompressionMethod\":\"lz4\",\"Blocks\":[");
        for (int i = 0; i < 200_000; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"Offset\":").append((long) i << 21).append(",\"BlockChecksum\":\"")
                    .append(String.format("%064x", i)).append("\"}");
        }
        sb.append("],\"SingleFile\":{\"FilePath\":\"\"}}");
        byte[] text = sb.toString().getBytes(StandardCharsets.UTF_8);
        CountingStream counting = new CountingStream(new ByteArrayInputStream(text));
        BackupConfig b = CfgParser.parseBackupMetadata(counting, "cfg");
        assertThat(b.hasBlocks()).isTrue();
        assertThat(b.compressionMethod()).isEqualTo("lz4");
        assertThat(text.length).isGreaterThan(20_000_000);
        assertThat(counting.read).isLessThan(64 * 1024);

        try (BlocksReader r = BlocksReader.open(new ByteArrayInputStream(text), "cfg")) {
            BlockMapping first = r.next();
            BlockMapping last = first;
            while (r.hasNext()) {
                last = r.next();
            }
            assertThat(first).isEqualTo(new BlockMapping(0, String.format("%064x", 0)));
            assertThat(last).isEqualTo(new BlockMapping(199_999L << 21, String.format("%064x", 199_999)));
            assertThat(r.count()).isEqualTo(200_000);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{\"Name\":\"b\"}", "{\"Name\":\"b\",\"Blocks\":null}", "{\"Blocks\":[],\"Name\":\"b\"}"})
    void aBackupWithoutBlocksStreamsNothing(String json) {
        try (BlocksReader r = BlocksReader.open(in(json), "cfg")) {
            assertThat(r.hasNext()).isFalse();
        }
    }

    @Test
    void aBrokenBlocksListIsInvalidDataNamingTheEntry() {
        try (BlocksReader r = BlocksReader.open(in("{\"Blocks\":[{\"Offset\":0,\"BlockChecksum\":\"x\"},{\"Offset\":5}]}"), "cfg")) {
            assertThat(r.next().offset()).isZero();
            assertThatThrownBy(r::next).isInstanceOf(InvalidBackupDataException.class).hasMessageContaining("entry 1");
        }
        try (BlocksReader r = BlocksReader.open(in("{\"Blocks\":[{\"Offset\":0,\"BlockChecksum\":\"x\"},"), "cfg")) {
            r.next();
            assertThatThrownBy(r::hasNext).isInstanceOf(InvalidBackupDataException.class).hasMessageContaining("truncated");
        }
    }

    @Test
    void unquoteUndoesGoStringEncodingOnlyWhenQuoted() {
        assertThat(CfgParser.unquote("\"lz4\"")).isEqualTo("lz4");
        assertThat(CfgParser.unquote("\"\"")).isEmpty();
        assertThat(CfgParser.unquote("lz4")).isEqualTo("lz4");
        assertThat(CfgParser.unquote("\"a\\\"b\"")).isEqualTo("a\"b");
        assertThat(CfgParser.unquote("\"a\" \"b\"")).isEqualTo("\"a\" \"b\"");
    }

    private static final class CountingStream extends FilterInputStream {
        long read;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                read += n;
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                read++;
            }
            return c;
        }
    }
}
