package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.ConflictException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.NotFoundException;
import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.internal.BlockCodec;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.BlockContent;
import io.drkit.s3.testing.CfgFormat;
import io.drkit.s3.testing.ExpectedImage;
import io.drkit.s3.testing.WrittenBackup;
import java.io.ByteArrayOutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Fixture writer, then restore, then a byte-identical image: every codec, both block sizes, S3 and a directory. */
class ImageRestoreRoundTripTest {
    private static final long MIB = 1 << 20;
    private static final Instant T0 = Instant.parse("2026-11-01T03:00:00Z");

    @TempDir
    Path dir;

    static Stream<Arguments> matrix() {
        List<Arguments> out = new ArrayList<>();
        for (Stores store : Stores.values()) {
            for (CompressionMethod codec : CompressionMethod.values()) {
                for (long blockSize : new long[] {2 * MIB, 16 * MIB}) {
                    out.add(Arguments.of(store, codec, blockSize));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}, {1}, {2}-byte blocks")
    @MethodSource("matrix")
    void aRestoredImageIsByteIdenticalToTheBackedUpVolume(Stores kind, CompressionMethod codec, long blockSize)
            throws Exception {
        try (Stores.Store store = kind.create()) {
            long size = blockSize * 8;
            BackupstoreWriter w = BackupstoreWriter.create(store.source(), store.target(), 7);
            BackupstoreWriter.VolumeWriter v = w.volume("pvc-roundtrip").size(size).compression(codec).blockSize(blockSize);
            boolean small = blockSize == 2 * MIB; // 16 MiB blocks: fewer of them, compressing them is what takes time
            // sparse: unlisted slots are holes; slot 3 is an explicit zero block
            WrittenBackup first = v.backup("backup-0000000000000001", T0,
                    c -> (small ? c.random(0).text(2 * blockSize) : c.mixed(0)).zero(3 * blockSize));
            WrittenBackup second = v.backup("backup-0000000000000002", T0.plusSeconds(86_400),
                    c -> (small ? c.mixed(5 * blockSize).text(6 * blockSize) : c).zero(7 * blockSize));

            VolumeImageRestorer restorer = VolumeImageRestorer.builder(store.source(), store.target()).concurrency(4).build();
            Path image = dir.resolve("newest.img");
            ImageRestoreResult r = restorer.restoreToFile(BackupSelection.newest("pvc-roundtrip"), image);

            ExpectedImage expected = second.image().orElseThrow();
            long listed = small ? 6 : 3;
            assertThat(Files.size(image)).isEqualTo(size);
            assertThat(Images.sha256(image)).isEqualTo(expected.sha256());
            assertThat(r.backupName()).isEqualTo("backup-0000000000000002");
            assertThat(r.blocksListed()).isEqualTo(listed);
            assertThat(r.blocksRestored()).isEqualTo(listed);
            assertThat(r.zeroBlocks()).isEqualTo(2);
            assertThat(r.intact()).isTrue();
            assertThat(r.compression()).isEqualTo(codec);
            assertThat(r.blockSize()).isEqualTo((int) blockSize);
            assertThat(Images.list(dir)).containsExactly("newest.img");

            Path older = dir.resolve("older.img");
            restorer.restoreToFile(BackupSelection.named("pvc-roundtrip", "backup-0000000000000001"), older);
            assertThat(Images.sha256(older)).isEqualTo(first.image().orElseThrow().sha256());
        }
    }

    @Test
    void theNewestBackupAtOrBeforeATimeIsChosenByItsPointInTime() {
        try (Stores.Store store = Stores.S3.create()) {
            BackupstoreWriter.VolumeWriter v = BackupstoreWriter.create(store.source(), store.target(), 1)
                    .volume("pvc-pit").size(8 * MIB);
            WrittenBackup a = v.backup("backup-000000000000000a", T0, c -> c.random(0));
            WrittenBackup b = v.backup("backup-000000000000000b", T0.plusSeconds(3600), c -> c.random(2 * MIB));
            v.backup("backup-000000000000000c", T0.plusSeconds(7200), c -> c.random(4 * MIB));
            VolumeImageRestorer restorer = VolumeImageRestorer.create(store.source(), store.target());

            assertThat(restorer.resolve(BackupSelection.newestAtOrBefore("pvc-pit", T0.plusSeconds(3600))).name())
                    .isEqualTo(b.name());
            assertThat(restorer.resolve(BackupSelection.newestAtOrBefore("pvc-pit", T0.plusSeconds(3599))).name())
                    .isEqualTo(a.name());
            assertThatThrownBy(() -> restorer.resolve(BackupSelection.newestAtOrBefore("pvc-pit", T0.minusSeconds(1))))
                    .isInstanceOf(NotFoundException.class).hasMessageContaining("no complete backup taken at or before");
            Path image = dir.resolve("pit.img");
            restorer.restoreToFile(BackupSelection.newestAtOrBefore("pvc-pit", T0.plusSeconds(5000)), image);
            assertThat(Images.sha256(image)).isEqualTo(b.image().orElseThrow().sha256());
        }
    }

    @Test
    void theNewestCompleteBackupSkipsOneStillInProgressAndNamedInProgressBackupsAreRefused() {
        try (Stores.Store store = Stores.DIRECTORY.create()) {
            BackupstoreWriter.VolumeWriter v = BackupstoreWriter.create(store.source(), store.target(), 1)
                    .volume("pvc-running").size(8 * MIB);
            WrittenBackup done = v.backup("backup-0000000000000001", T0, c -> c.text(0));
            v.inProgressBackup("backup-0000000000000002", T0.plusSeconds(60));
            VolumeImageRestorer restorer = VolumeImageRestorer.create(store.source(), store.target());
            assertThat(restorer.resolve(BackupSelection.newest("pvc-running")).name()).isEqualTo(done.name());
            assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.named("pvc-running", "backup-0000000000000002"),
                    dir.resolve("x.img"))).isInstanceOf(NotFoundException.class).hasMessageContaining("not complete");
            assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.newest("pvc-nothing"), dir.resolve("x.img")))
                    .isInstanceOf(NotFoundException.class).hasMessageContaining("pvc-nothing");
            assertThat(Images.list(dir)).isEmpty();
        }
    }

    @Test
    void aBackupUrlSelectsTheBackupItNames() {
        try (Stores.Store store = Stores.S3.create()) {
            WrittenBackup b = BackupstoreWriter.create(store.source(), store.target(), 1).volume("pvc-url").size(4 * MIB)
                    .backup("backup-00000000000000ff", T0, c -> c.mixed(2 * MIB));
            Path image = dir.resolve("url.img");
            VolumeImageRestorer.create(store.source(), store.target()).restoreToFile(BackupSelection.ofUrl(b.url()), image);
            assertThat(Images.sha256(image)).isEqualTo(b.image().orElseThrow().sha256());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = CfgFormat.class, names = {"V1_0", "V1_2", "V1_5", "CURRENT"})
    void backupsOfOlderLonghornReleasesRestoreToo(CfgFormat format) {
        try (Stores.Store store = Stores.DIRECTORY.create()) {
            WrittenBackup b = BackupstoreWriter.create(store.source(), store.target(), 3).volume("pvc-old").format(format)
                    .size(16 * MIB).backup("backup-0000000000000001", T0, c -> c.text(0).random(6 * MIB));
            Path image = dir.resolve("old.img");
            VolumeImageRestorer.create(store.source(), store.target()).restoreToFile(BackupSelection.newest("pvc-old"), image);
            assertThat(Images.sha256(image)).isEqualTo(b.image().orElseThrow().sha256());
        }
    }

    @Test
    void blocksInAnotherCodecThanRecordedAndLinkedLz4FramesAreRestoredAndCounted() throws Exception {
        try (Stores.Store store = Stores.S3.create()) {
            byte[] gzipData = BlockContent.text(11).bytes((int) (2 * MIB));
            byte[] linkedData = BlockContent.mixed(12).bytes((int) (2 * MIB));
            ByteArrayOutputStream linked = new ByteArrayOutputStream();
            try (FramedLZ4CompressorOutputStream lz = new FramedLZ4CompressorOutputStream(linked,
                    new FramedLZ4CompressorOutputStream.Parameters(FramedLZ4CompressorOutputStream.BlockSize.K64, true,
                            false, true, org.apache.commons.compress.compressors.lz4.BlockLZ4CompressorOutputStream
                            .createParameterBuilder().tunedForSpeed().build()))) {
                lz.write(linkedData);
            }
            WrittenBackup b = BackupstoreWriter.create(store.source(), store.target(), 3).volume("pvc-mixed-codecs")
                    .size(8 * MIB).compression(CompressionMethod.LZ4).backup("backup-0000000000000001", T0, c -> c
                            .block(0, BlockContent.exact(gzipData)).storedBytes(0, BlockCodec.compress(CompressionMethod.GZIP, gzipData))
                            .block(2 * MIB, BlockContent.exact(linkedData)).storedBytes(2 * MIB, linked.toByteArray())
                            .random(4 * MIB));
            Path image = dir.resolve("codecs.img");
            ImageRestoreResult r = VolumeImageRestorer.create(store.source(), store.target())
                    .restoreToFile(BackupSelection.newest("pvc-mixed-codecs"), image);
            assertThat(Images.sha256(image)).isEqualTo(b.image().orElseThrow().sha256());
            assertThat(r.codecFallbacks()).isEqualTo(1);
            assertThat(r.intact()).isTrue();
        }
    }

    @Test
    void anExistingImageIsNeverOverwrittenUnlessAllowed() throws Exception {
        try (Stores.Store store = Stores.DIRECTORY.create()) {
            WrittenBackup b = BackupstoreWriter.create(store.source(), store.target(), 3).volume("pvc-keep").size(4 * MIB)
                    .backup("backup-0000000000000001", T0, c -> c.random(0));
            Path image = dir.resolve("keep.img");
            Files.writeString(image, "precious");
            VolumeImageRestorer restorer = VolumeImageRestorer.create(store.source(), store.target());
            assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.newest("pvc-keep"), image))
                    .isInstanceOf(ConflictException.class).hasMessageContaining(image.toString());
            assertThat(Files.readString(image)).isEqualTo("precious");
            assertThat(Images.list(dir)).containsExactly("keep.img");

            restorer.restoreToFile(BackupSelection.newest("pvc-keep"), image,
                    ImageRestoreOptions.builder().overwrite(true).build());
            assertThat(Images.sha256(image)).isEqualTo(b.image().orElseThrow().sha256());
            assertThat(Images.list(dir)).containsExactly("keep.img");
        }
    }

    @Test
    void aChannelGetsEveryByteOfTheImageIncludingZerosOverWhatWasThere() throws Exception {
        try (Stores.Store store = Stores.S3.create()) {
            long size = 8 * MIB;
            WrittenBackup b = BackupstoreWriter.create(store.source(), store.target(), 3).volume("pvc-device").size(size)
                    .backup("backup-0000000000000001", T0, c -> c.random(2 * MIB).zero(4 * MIB));
            Path device = dir.resolve("device");
            byte[] junk = new byte[(int) size];
            java.util.Arrays.fill(junk, (byte) 0x5a);
            Files.write(device, junk);
            try (FileChannel ch = FileChannel.open(device, StandardOpenOption.WRITE)) {
                ImageRestoreResult r = VolumeImageRestorer.create(store.source(), store.target())
                        .restoreToChannel(BackupSelection.newest("pvc-device"), ch, ImageRestoreOptions.defaults());
                assertThat(r.destination()).contains("channel");
                assertThat(ch.isOpen()).isTrue();
            }
            assertThat(Images.sha256(device)).isEqualTo(b.image().orElseThrow().sha256());
        }
    }

    @Test
    void aZeroedChannelIsOnlyWrittenWhereTheBackupHasData() throws Exception {
        try (Stores.Store store = Stores.DIRECTORY.create()) {
            long size = 8 * MIB;
            WrittenBackup b = BackupstoreWriter.create(store.source(), store.target(), 3).volume("pvc-fresh").size(size)
                    .backup("backup-0000000000000001", T0, c -> c.text(6 * MIB));
            Path file = dir.resolve("fresh.img");
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                VolumeImageRestorer.create(store.source(), store.target()).restoreToChannel(
                        BackupSelection.newest("pvc-fresh"), ch, ImageRestoreOptions.builder().channelIsZeroed(true).build());
                assertThat(ch.size()).isEqualTo(size);
            }
            assertThat(Images.sha256(file)).isEqualTo(b.image().orElseThrow().sha256());
        }
    }

    @Test
    void aBackingImageIsLaidUnderTheBlocksAndItsChecksumCompared() throws Exception {
        try (Stores.Store store = Stores.S3.create()) {
            long size = 8 * MIB;
            byte[] baseBytes = BlockContent.text(99).bytes((int) (5 * MIB)); // shorter than the volume
            Path base = dir.resolve("base.raw");
            Files.write(base, baseBytes);
            String sha512 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-512").digest(baseBytes));
            WrittenBackup b = BackupstoreWriter.create(store.source(), store.target(), 3).volume("pvc-based").size(size)
                    .backingImage("ubuntu-base", sha512)
                    .backup("backup-0000000000000001", T0, c -> c.random(2 * MIB).zero(4 * MIB));
            Path image = dir.resolve("based.img");
            VolumeImageRestorer restorer = VolumeImageRestorer.create(store.source(), store.target());
            ImageRestoreResult r = restorer.restoreToFile(BackupSelection.newest("pvc-based"), image,
                    ImageRestoreOptions.builder().baseImage(base).build());

            ExpectedImage blocks = b.image().orElseThrow();
            assertThat(Images.read(image, 0, (int) (2 * MIB))).isEqualTo(java.util.Arrays.copyOfRange(baseBytes, 0, (int) (2 * MIB)));
            assertThat(Images.read(image, 2 * MIB, (int) (2 * MIB))).isEqualTo(blocks.block(2 * MIB));
            assertThat(Images.read(image, 4 * MIB, (int) (2 * MIB))).isEqualTo(new byte[(int) (2 * MIB)]); // explicit zeros win
            assertThat(Images.read(image, 6 * MIB, (int) (2 * MIB))).isEqualTo(new byte[(int) (2 * MIB)]); // past the base
            assertThat(r.baseImageChecksumMatches()).contains(true);
            assertThat(r.backingImageName()).contains("ubuntu-base");
            assertThat(r.lacksBaseImage()).isFalse();

            ImageRestoreResult without = restorer.restoreToFile(BackupSelection.newest("pvc-based"), dir.resolve("nobase.img"));
            assertThat(without.lacksBaseImage()).isTrue();
            assertThat(without.summary()).contains("backing image ubuntu-base not applied");
        }
    }

    @Test
    void aBaseImageIsRefusedWhenItCannotBeTheVolumesBackingImage() throws Exception {
        try (Stores.Store store = Stores.DIRECTORY.create()) {
            BackupstoreWriter w = BackupstoreWriter.create(store.source(), store.target(), 3);
            w.volume("pvc-plain").size(4 * MIB).backup("backup-0000000000000001", T0, c -> c.random(0));
            w.volume("pvc-backed").size(4 * MIB).backingImage("bi", "").backup("backup-0000000000000001", T0, c -> c.random(0));
            Path qcow2 = dir.resolve("base.qcow2");
            Files.write(qcow2, new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3});
            Path big = dir.resolve("big.raw");
            Files.write(big, new byte[(int) (6 * MIB)]);
            VolumeImageRestorer restorer = VolumeImageRestorer.create(store.source(), store.target());
            Path out = dir.resolve("out");
            Files.createDirectory(out);
            assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.newest("pvc-plain"), out.resolve("a.img"),
                    ImageRestoreOptions.builder().baseImage(big).build()))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("has no backing image");
            assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.newest("pvc-backed"), out.resolve("a.img"),
                    ImageRestoreOptions.builder().baseImage(qcow2).build()))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("qcow2");
            assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.newest("pvc-backed"), out.resolve("a.img"),
                    ImageRestoreOptions.builder().baseImage(big).build()))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("more than volume");
            assertThat(Images.list(out)).isEmpty();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "offset not on a block boundary | {\"Offset\":1048576,\"BlockChecksum\":\"%s\"} | not a multiple of the block size",
        "offset beyond the volume      | {\"Offset\":8388608,\"BlockChecksum\":\"%s\"} | beyond the volume size",
        "offset listed twice           | {\"Offset\":0,\"BlockChecksum\":\"%s\"},{\"Offset\":0,\"BlockChecksum\":\"%s\"} | listed twice",
        "checksum not hex              | {\"Offset\":0,\"BlockChecksum\":\"XYZ\"} | not 64 lower-case hex digits"})
    void aMalformedBlockListFailsTheRestoreBeforeAnyFileIsWrittenAndIsDamageToVerification(String what, String blocks,
                                                                                         String message) {
        try (Stores.Store store = Stores.DIRECTORY.create()) {
            BackupstoreWriter w = BackupstoreWriter.create(store.source(), store.target(), 3);
            WrittenBackup b = w.volume("pvc-bad-list").size(8 * MIB).backup("backup-0000000000000001", T0, c -> c.random(0));
            String sum = b.blocks().get(0L);
            String cfg = "{\"Name\":\"backup-0000000000000002\",\"VolumeName\":\"pvc-bad-list\",\"SnapshotCreatedAt\":"
                    + "\"2026-11-02T03:00:00Z\",\"CreatedTime\":\"2026-11-02T03:01:00Z\",\"CompressionMethod\":\"lz4\","
                    + "\"Blocks\":[" + blocks.replace("%s", sum) + "]}";
            w.put(w.layout().backupCfg("pvc-bad-list", "backup-0000000000000002"), cfg.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            VolumeImageRestorer restorer = VolumeImageRestorer.create(store.source(), store.target());
            assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.named("pvc-bad-list", "backup-0000000000000002"),
                    dir.resolve("bad.img"))).isInstanceOf(io.drkit.core.InvalidBackupDataException.class)
                    .hasMessageContaining(message).hasMessageContaining("backup_backup-0000000000000002.cfg");
            assertThat(Images.list(dir)).isEmpty();
            VerificationResult v = BackupVerifier.builder(store.source(), store.target()).build().verifyVolume("pvc-bad-list");
            assertThat(v.find("pvc-bad-list", "backup-0000000000000002").orElseThrow().problem())
                    .hasValueSatisfying(p -> assertThat(p).contains(message));
            assertThat(v.find("pvc-bad-list", b.name()).orElseThrow().status()).isEqualTo(VerifyStatus.OK);
            assertThat(v.status()).isEqualTo(VerifyStatus.DAMAGED);
        }
    }

    @Test
    void progressReachesEveryBlockAndTheListenerSeesStartAndFinish() {
        try (Stores.Store store = Stores.S3.create()) {
            BackupstoreWriter.create(store.source(), store.target(), 3).volume("pvc-progress").size(16 * MIB)
                    .backup("backup-0000000000000001", T0, c -> c.random(0).text(2 * MIB).mixed(8 * MIB).zero(14 * MIB));
            List<RestoreProgress> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            VolumeImageRestorer restorer = VolumeImageRestorer.builder(store.source(), store.target()).concurrency(3)
                    .listener(new ImageRestoreListener() {
                        @Override
                        public void restoreStarted(String volume, String backup, long imageSize, long blocks, String dest) {
                            events.add("started " + volume + " " + imageSize + " " + blocks);
                        }

                        @Override
                        public void progress(RestoreProgress p) {
                            seen.add(p);
                        }

                        @Override
                        public void restoreFinished(ImageRestoreResult result) {
                            events.add("finished " + result.blocksRestored());
                        }
                    }).build();
            ImageRestoreResult r = restorer.restoreToFile(BackupSelection.newest("pvc-progress"), dir.resolve("p.img"));
            assertThat(events).containsExactly("started pvc-progress " + 16 * MIB + " 4", "finished 4");
            assertThat(seen).hasSize(4);
            assertThat(seen).extracting(RestoreProgress::blocksDone).containsExactly(1L, 2L, 3L, 4L);
            RestoreProgress last = seen.get(3);
            assertThat(last.fraction()).isEqualTo(1.0);
            assertThat(last.bytesDone()).isEqualTo(8 * MIB);
            assertThat(last.bytesDownloaded()).isEqualTo(r.bytesDownloaded()).isPositive();
            assertThat(r.workers()).isEqualTo(3);
        }
    }
}
