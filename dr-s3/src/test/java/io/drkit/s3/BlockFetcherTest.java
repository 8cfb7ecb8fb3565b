package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.Cancellation;
import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.internal.BlockCodec;
import io.drkit.s3.internal.BlockFetcher;
import io.drkit.s3.internal.Checksums;
import io.drkit.s3.testing.BlockContent;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every encoding a block may come in decodes to the same verified data, whichever path (fast or fallback) takes it. */
class BlockFetcherTest {
    private static final int SIZE = 2 << 20;

    @TempDir
    Path dir;

    enum Encoding {
        LONGHORN_LZ4(CompressionMethod.LZ4, false, d -> BlockCodec.compress(CompressionMethod.LZ4, d)),
        LZ4_WITH_CONTENT_SIZE_AND_BLOCK_CHECKSUMS(CompressionMethod.LZ4, false, d -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (LZ4FrameOutputStream lz = new LZ4FrameOutputStream(out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB, d.length,
                    LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE, LZ4FrameOutputStream.FLG.Bits.BLOCK_CHECKSUM,
                    LZ4FrameOutputStream.FLG.Bits.CONTENT_CHECKSUM, LZ4FrameOutputStream.FLG.Bits.CONTENT_SIZE)) {
                lz.write(d);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return out.toByteArray();
        }),
        LONGHORN_GZIP(CompressionMethod.GZIP, false, d -> BlockCodec.compress(CompressionMethod.GZIP, d)),
        GZIP_WITH_FILE_NAME(CompressionMethod.GZIP, false, d -> {
            byte[] go = BlockCodec.compress(CompressionMethod.GZIP, d);
            byte[] named = new byte[go.length + 6];
            System.arraycopy(go, 0, named, 0, 10);
            named[3] = 0x08; // FNAME
            System.arraycopy("a.img\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, named, 10, 6);
            System.arraycopy(go, 10, named, 16, go.length - 10);
            return named;
        }),
        JAVA_GZIP_TWO_MEMBERS(CompressionMethod.GZIP, false, d -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int half = d.length / 2;
            for (int[] r : new int[][] {{0, half}, {half, d.length - half}}) {
                try (GZIPOutputStream gz = new GZIPOutputStream(out) {
                    @Override
                    public void close() throws java.io.IOException {
                        finish(); // keep the shared stream open
                    }
                }) {
                    gz.write(d, r[0], r[1]);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return out.toByteArray();
        }),
        NONE(CompressionMethod.NONE, false, byte[]::clone),
        LZ4_RECORDED_AS_GZIP(CompressionMethod.GZIP, true, d -> BlockCodec.compress(CompressionMethod.LZ4, d)),
        RAW_RECORDED_AS_LZ4(CompressionMethod.LZ4, true, byte[]::clone);

        final CompressionMethod recorded;
        final boolean fallback;
        final Function<byte[], byte[]> encode;

        Encoding(CompressionMethod recorded, boolean fallback, Function<byte[], byte[]> encode) {
            this.recorded = recorded;
            this.fallback = fallback;
            this.encode = encode;
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Encoding.class)
    void everyEncodingDecodesToTheVerifiedBlock(Encoding e) {
        DirectoryObjectSource source = DirectoryObjectSource.of(dir);
        byte[] data = BlockContent.mixed(3).bytes(SIZE);
        String hex = BlockCodec.checksum(data);
        source.put("b.blk", e.encode.apply(data));
        BlockFetcher fetcher = new BlockFetcher(source, 1, Duration.ofMillis(1));
        try (BlockFetcher.Workspace ws = new BlockFetcher.Workspace()) {
            for (int round = 0; round < 2; round++) { // the workspace is reused
                BlockFetcher.Outcome o = fetcher.fetch("b.blk", hex, Checksums.parse(hex), e.recorded, SIZE, ws,
                        Cancellation.none());
                assertThat(o.status()).isEqualTo(BlockFetcher.Status.OK);
                assertThat(o.fallback()).isEqualTo(e.fallback);
                assertThat(Arrays.copyOf(ws.data(), SIZE)).isEqualTo(data);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Encoding.class, names = {"LONGHORN_LZ4", "LZ4_WITH_CONTENT_SIZE_AND_BLOCK_CHECKSUMS", "LONGHORN_GZIP"})
    void aFlippedByteAnywhereIsNeverAcceptedAsTheBlock(Encoding e) {
        DirectoryObjectSource source = DirectoryObjectSource.of(dir);
        byte[] data = BlockContent.text(4).bytes(SIZE);
        String hex = BlockCodec.checksum(data);
        byte[] stored = e.encode.apply(data);
        BlockFetcher fetcher = new BlockFetcher(source, 1, Duration.ofMillis(1));
        try (BlockFetcher.Workspace ws = new BlockFetcher.Workspace()) {
            for (int at : new int[] {12, stored.length / 2, stored.length - 6, stored.length - 3}) { // data and trailers
                byte[] bad = stored.clone();
                bad[at] ^= 0x10;
                source.put("b.blk", bad);
                BlockFetcher.Outcome o = fetcher.fetch("b.blk", hex, Checksums.parse(hex), e.recorded, SIZE, ws,
                        Cancellation.none());
                assertThat(o.status()).as("byte %d flipped", at).isEqualTo(BlockFetcher.Status.CORRUPT);
            }
        }
    }
    @ParameterizedTest(name = "{0}")
    @EnumSource(Encoding.class)
    void aBufferIsAskedForOnlyOnceTheBlockIsDownloadedAndHandedOverWithTheBlockInIt(Encoding e) {
        DirectoryObjectSource source = DirectoryObjectSource.of(dir);
        byte[] data = BlockContent.mixed(5).bytes(SIZE);
        String hex = BlockCodec.checksum(data);
        source.put("b.blk", e.encode.apply(data));
        BlockFetcher fetcher = new BlockFetcher(source, 1, Duration.ofMillis(1));
        java.util.List<byte[]> handedOut = new java.util.ArrayList<>();
        try (BlockFetcher.Workspace ws = new BlockFetcher.Workspace()) {
            ws.decodeInto(() -> {
                byte[] b = new byte[SIZE + 1];
                handedOut.add(b);
                return b;
            });
            BlockFetcher.Outcome missing = fetcher.fetch("gone.blk", hex, Checksums.parse(hex), e.recorded, SIZE, ws,
                    Cancellation.none());
            assertThat(missing.status()).isEqualTo(BlockFetcher.Status.MISSING);
            assertThat(handedOut).isEmpty(); // nothing downloaded: no buffer taken
            assertThat(ws.takeBuffer()).isNull();
            for (int round = 0; round < 2; round++) {
                BlockFetcher.Outcome o = fetcher.fetch("b.blk", hex, Checksums.parse(hex), e.recorded, SIZE, ws,
                        Cancellation.none());
                assertThat(o.status()).isEqualTo(BlockFetcher.Status.OK);
                assertThat(handedOut).hasSize(round + 1);
                byte[] decoded = Arrays.copyOf(ws.data(), SIZE);
                byte[] buf = ws.takeBuffer();
                assertThat(buf).isSameAs(handedOut.get(round));
                assertThat(ws.takeBuffer()).isNull(); // handed over once
                assertThat(decoded).isEqualTo(data);
                if (e.recorded != CompressionMethod.NONE && !e.fallback) {
                    assertThat(Arrays.copyOf(buf, SIZE)).isEqualTo(data); // decoded straight into the buffer
                }
            }
        }
    }
}
