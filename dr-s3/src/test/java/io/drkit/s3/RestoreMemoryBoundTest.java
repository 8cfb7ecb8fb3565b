package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.drkit.core.InvalidInputException;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.internal.BlockFetcher;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.BlockContent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Block buffers are budgeted by block size: workers x (block + largest acceptable encoding + decoders) stays within the
 * memory limit (128 MiB by default) for every block size Longhorn writes, and a restore of 16 MiB blocks (Longhorn
 * 1.10+) runs in a 256 MiB heap even when every block object is hostile (as large as accepted, decoded by the slow
 * path).
 */
class RestoreMemoryBoundTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} MiB blocks")
    @ValueSource(ints = {2, 16})
    void workersTimesTheirBuffersFitTheDefaultMemoryLimit(int mib) {
        long limit = 128L * MIB;
        int workers = BlockFetcher.workers(8, Long.MAX_VALUE, limit, mib * MIB);
        assertThat(workers * BlockFetcher.workspaceBytes(mib * MIB)).isLessThanOrEqualTo(limit);
        assertThat(workers).isEqualTo(mib == 2 ? 8 : 3); // fewer workers for bigger blocks, never none
    }

    @Test
    void aMemoryLimitTooSmallForOneBlockIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path store = Files.createDirectories(dir.resolve("store"));
        BackupstoreWriter.create(DirectoryObjectSource.of(store), BackupTarget.directory(store), 3).volume("pvc-small")
                .size(4L * MIB).backup("backup-0000000000000001", Instant.parse("2026-11-01T03:00:00Z"), c -> c.text(0));
        VolumeImageRestorer restorer = VolumeImageRestorer.builder(DirectoryObjectSource.of(store),
                BackupTarget.directory(store)).memoryLimit(8L * MIB).build();
        assertThatThrownBy(() -> restorer.restoreToFile(BackupSelection.newest("pvc-small"), dir.resolve("s.img")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("memory limit of 8388608 bytes");
        assertThat(Images.list(dir)).containsExactly("store");
    }

    @Test
    void aWorkspaceKeepsItsBuffersWhateverTheBlockObjects() {
        int size = 2 * MIB;
        DirectoryObjectSource source = DirectoryObjectSource.of(dir);
        byte[] data = BlockContent.random(1).bytes(size);
        String hex = io.drkit.s3.internal.BlockCodec.checksum(data);
        BlockFetcher fetcher = new BlockFetcher(source, 1, java.time.Duration.ofMillis(1));
        try (BlockFetcher.Workspace ws = new BlockFetcher.Workspace()) {
            long held = -1;
            for (byte[] stored : List.of(gzipStored(2 * size, 2), gzipStored(size + size / 16, 3),
                    BlockContent.random(4).bytes(size + size / 16), BlockContent.random(5).bytes(size + 1),
                    io.drkit.s3.internal.BlockCodec.compress(CompressionMethod.LZ4, data))) {
                source.put("b.blk", stored);
                BlockFetcher.Outcome o = fetcher.fetch("b.blk", hex, io.drkit.s3.internal.Checksums.parse(hex),
                        CompressionMethod.LZ4, size, ws, io.drkit.core.Cancellation.none());
                assertThat(o.status()).isIn(BlockFetcher.Status.OK, BlockFetcher.Status.CORRUPT);
                if (held < 0) {
                    held = ws.heldBytes();
                }
                assertThat(ws.heldBytes()).as("buffers never grow").isEqualTo(held);
            }
            assertThat(held).isLessThanOrEqualTo(BlockFetcher.workspaceBytes(size));
        }
    }

    @Test
    void sixteenMebibyteBlocksRestoreAndVerifyInA256MebibyteHeapEvenWhenEveryObjectIsHostile() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        BackupstoreWriter.VolumeWriter v = BackupstoreWriter.create(DirectoryObjectSource.of(store),
                BackupTarget.directory(store), 16).volume("pvc-big").blockSize(16L * MIB).size(6L * 16 * MIB)
                .compression(CompressionMethod.LZ4);
        v.backup("backup-0000000000000001", Instant.parse("2026-11-01T03:00:00Z"), c -> {
            for (int i = 0; i < 6; i++) {
                c.random(i * 16L * MIB);
            }
            // as large as an object may be to still be read as one block (before: 2 blocks + 1 MiB), valid gzip of
            // random data recorded as lz4: every one goes through every slow decoding path
            for (int i = 0; i < 3; i++) {
                c.storedBytes(i * 16L * MIB, gzipStored(33 * MIB - 4096, 10 + i));
            }
            for (int i = 3; i < 5; i++) {
                c.storedBytes(i * 16L * MIB, gzipStored(17 * MIB, 10 + i));
            }
        });
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp",
                System.getProperty("java.class.path"), RestoreMemoryChild.class.getName(), store.toString(),
                dir.resolve("big.img").toString()).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String output = out.toString(StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("workers=3 damaged=5 restored=1 verify=DAMAGED");
        System.out.println("16 MiB blocks, hostile objects, -Xmx256m: " + output.strip());
    }

    /** A valid gzip member (stored, uncompressed deflate blocks) of random bytes, {@code length} bytes long in all. */
    private static byte[] gzipStored(int length, long seed) {
        int payload = length - 18 - 5 * (length / 65535 + 1);
        byte[] raw = new byte[Math.max(0, payload)];
        new SplittableRandom(seed).nextBytes(raw);
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 1024);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(Deflater.NO_COMPRESSION);
            }
        }) {
            gz.write(raw);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
