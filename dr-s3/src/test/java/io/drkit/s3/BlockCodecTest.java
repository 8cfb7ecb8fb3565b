package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.internal.BlockCodec;
import io.drkit.s3.internal.BlockCodec.BlockDecodeException;
import io.drkit.s3.internal.BlockCodec.Problem;
import io.drkit.s3.testing.BlockContent;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Longhorn's block codecs, checksums, and the codec fallback of Longhorn #7687. */
class BlockCodecTest {
    private static final int MIB2 = 2 << 20;

    @ParameterizedTest(name = "{0}")
    @EnumSource(CompressionMethod.class)
    void everyCodecRoundTripsAndVerifies(CompressionMethod m) throws Exception {
        for (BlockContent c : new BlockContent[] {BlockContent.random(1), BlockContent.text(2), BlockContent.mixed(3), BlockContent.zero()}) {
            byte[] data = c.bytes(MIB2);
            byte[] stored = BlockCodec.compress(m, data);
            BlockCodec.Decoded d = BlockCodec.decode(m, stored, stored.length, MIB2, BlockCodec.checksum(data));
            assertThat(d.data()).isEqualTo(data);
            assertThat(d.codec()).isEqualTo(m);
            assertThat(d.recoveredByFallback()).isFalse();
        }
    }

    @Test
    void lz4FramesHaveTheHeaderPierrecWrites() {
        byte[] stored = BlockCodec.compress(CompressionMethod.LZ4, BlockContent.random(1).bytes(MIB2));
        assertThat(HexFormat.of().formatHex(stored, 0, 7)).isEqualTo("04224d186470b9");
        // incompressible 2 MiB: one stored block, 4-byte size, end mark, content checksum = 2 MiB + 19 (Longhorn's figure)
        assertThat(stored.length).isEqualTo(MIB2 + 19);
    }

    @Test
    void gzipMembersHaveGosHeader() throws Exception {
        byte[] data = BlockContent.text(5).bytes(MIB2);
        byte[] stored = BlockCodec.compress(CompressionMethod.GZIP, data);
        assertThat(HexFormat.of().formatHex(stored, 0, 10)).isEqualTo("1f8b08000000000000ff");
        assertThat(new GZIPInputStream(new java.io.ByteArrayInputStream(stored)).readAllBytes()).isEqualTo(data);
        assertThat(stored.length).isLessThan(data.length / 4);
    }

    @ParameterizedTest(name = "{0} bytes of zeros")
    @CsvSource({"2097152, 731859029215873fdac1c9f2f8bd25a334abf0f3a9e1b057cf2cacc2826d86b0",
        "16777216, 7e208b53e5c541b23906ef8ed8f5e12e4f1b470fbd0d3e907b1fc0c0b8d78eb1"})
    void checksumsAreTheSha512PrefixLonghornUses(int size, String expected) {
        assertThat(BlockCodec.checksum(new byte[size])).isEqualTo(expected);
        assertThat(BackupstoreLayout.sha512Prefix(new byte[size])).isEqualTo(expected);
    }

    @ParameterizedTest(name = "stored as {1}, recorded as {0}")
    @CsvSource({"GZIP, LZ4", "LZ4, GZIP", "NONE, LZ4", "NONE, GZIP", "GZIP, NONE", "LZ4, NONE"})
    void aBlockInAnotherCodecThanRecordedIsRecoveredBySniffing(CompressionMethod recorded, CompressionMethod actual)
            throws Exception {
        byte[] data = BlockContent.mixed(9).bytes(MIB2);
        byte[] stored = BlockCodec.compress(actual, data);
        BlockCodec.Decoded d = BlockCodec.decode(recorded, stored, stored.length, MIB2, BlockCodec.checksum(data));
        assertThat(d.data()).isEqualTo(data);
        assertThat(d.codec()).isEqualTo(actual);
        assertThat(d.recoveredByFallback()).isTrue();
    }

    @Test
    void linkedBlockLz4FramesAreReadThroughCommonsCompress() throws Exception {
        int size = 256 << 10; // commons-compress' compressor is slow; four linked 64 KiB blocks are enough
        byte[] data = BlockContent.text(4).bytes(size);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (FramedLZ4CompressorOutputStream lz = new FramedLZ4CompressorOutputStream(out,
                new FramedLZ4CompressorOutputStream.Parameters(FramedLZ4CompressorOutputStream.BlockSize.K64, true, false, true))) {
            lz.write(data);
        }
        byte[] stored = out.toByteArray();
        BlockCodec.Decoded d = BlockCodec.decode(CompressionMethod.LZ4, stored, stored.length, size, BlockCodec.checksum(data));
        assertThat(d.data()).isEqualTo(data);
        assertThat(d.recoveredByFallback()).isFalse();
    }

    @Test
    void aCorruptGzipMemberIsABadFrame() {
        byte[] data = BlockContent.text(6).bytes(MIB2);
        byte[] stored = BlockCodec.compress(CompressionMethod.GZIP, data);
        stored[stored.length - 6] ^= 0x55; // CRC32 trailer
        assertThatThrownBy(() -> BlockCodec.decode(CompressionMethod.GZIP, stored, stored.length, MIB2, BlockCodec.checksum(data)))
                .isInstanceOfSatisfying(BlockDecodeException.class, e -> assertThat(e.problem()).isEqualTo(Problem.BAD_FRAME));
    }

    @Test
    void aTruncatedLz4FrameIsABadFrame() {
        byte[] data = BlockContent.random(7).bytes(MIB2);
        byte[] stored = BlockCodec.compress(CompressionMethod.LZ4, data);
        byte[] cut = Arrays.copyOf(stored, stored.length / 2);
        assertThatThrownBy(() -> BlockCodec.decode(CompressionMethod.LZ4, cut, cut.length, MIB2, BlockCodec.checksum(data)))
                .isInstanceOfSatisfying(BlockDecodeException.class, e -> assertThat(e.problem()).isEqualTo(Problem.BAD_FRAME));
    }

    @Test
    void validDataWithAnotherChecksumIsAChecksumMismatch() {
        byte[] data = BlockContent.random(8).bytes(MIB2);
        byte[] stored = BlockCodec.compress(CompressionMethod.LZ4, data);
        String wrong = BlockCodec.checksum(new byte[MIB2]);
        assertThatThrownBy(() -> BlockCodec.decode(CompressionMethod.LZ4, stored, stored.length, MIB2, wrong))
                .isInstanceOfSatisfying(BlockDecodeException.class, e -> {
                    assertThat(e.problem()).isEqualTo(Problem.CHECKSUM_MISMATCH);
                    assertThat(e.getMessage()).contains(wrong);
                });
    }

    @Test
    void bytesInNoKnownCodecAreTheWrongCodec() {
        byte[] junk = BlockContent.random(10).bytes(1000);
        assertThatThrownBy(() -> BlockCodec.decode(CompressionMethod.GZIP, junk, junk.length, MIB2, "a".repeat(64)))
                .isInstanceOfSatisfying(BlockDecodeException.class, e -> assertThat(e.problem()).isEqualTo(Problem.WRONG_CODEC));
    }

    @Test
    void aBlockOfTheWrongSizeIsReported() throws Exception {
        byte[] half = BlockContent.random(11).bytes(MIB2 / 2);
        byte[] stored = BlockCodec.compress(CompressionMethod.NONE, half);
        assertThatThrownBy(() -> BlockCodec.decode(CompressionMethod.NONE, stored, stored.length, MIB2, BlockCodec.checksum(half)))
                .isInstanceOfSatisfying(BlockDecodeException.class, e -> assertThat(e.problem()).isEqualTo(Problem.WRONG_SIZE));
    }

    @Test
    void sixteenMebibyteBlocksWork() throws Exception {
        int size = 16 << 20;
        byte[] data = BlockContent.mixed(12).bytes(size);
        byte[] stored = BlockCodec.compress(CompressionMethod.LZ4, data);
        assertThat(BlockCodec.decode(CompressionMethod.LZ4, stored, stored.length, size, BlockCodec.checksum(data)).data())
                .isEqualTo(data);
    }
}
