package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.drkit.core.model.CompressionMethod;
import io.drkit.s3.nbd.NbdServer;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.NbdTools;
import io.drkit.s3.testing.WrittenBackup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link NbdServer} read by NBD clients nobody here wrote, from Debian: {@code nbdcopy} and {@code nbdinfo}
 * ({@code libnbd-bin}), {@code qemu-img} ({@code qemu-utils}). The image they read is byte-identical to what
 * {@link VolumeImageRestorer#restoreToFile} writes, on S3 and on a directory, with 2 and 16 MiB blocks, converted to
 * qcow2 and back; a damaged block makes them fail while reads elsewhere succeed. Skipped when the tools are missing,
 * failed instead when {@code DRKIT_REQUIRE_NBD_TOOLS=1} (CI).
 */
@Timeout(300)
class NbdServerClientToolsTest {
    private static final long MIB = 1 << 20;
    private static final Instant T0 = Instant.parse("2026-11-01T03:00:00Z");
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(2);
    private static final String VOLUME = "pvc-tools";

    @TempDir
    Path dir;

    @BeforeAll
    static void toolsAreInstalled() {
        NbdTools.missing("nbdcopy", "nbdinfo", "qemu-img").ifPresent(m -> {
            if (NbdTools.required()) {
                fail(m);
            }
            Assumptions.abort(m);
        });
    }

    /** Writes a sparse volume of 12 blocks (data, text, holes, a zero block) and returns its newest backup. */
    private static WrittenBackup write(Stores.Store store, long blockSize) {
        BackupstoreWriter w = BackupstoreWriter.create(store.source(), store.target(), 23);
        BackupstoreWriter.VolumeWriter v = w.volume(VOLUME).size(12 * blockSize).blockSize(blockSize)
                .compression(CompressionMethod.LZ4);
        long b = blockSize;
        v.backup("backup-0000000000000001", T0, c -> c.random(0).text(b).zero(3 * b).mixed(4 * b).text(8 * b));
        return v.backup("backup-0000000000000002", T0.plusSeconds(3600), c -> c.mixed(9 * b).random(11 * b));
    }

    private static NbdServer serve(Stores.Store store) {
        return NbdServer.builder(store.source(), store.target(), BackupSelection.newest(VOLUME)).listen("127.0.0.1", 0)
                .start();
    }

    private Path restoreToFile(Stores.Store store, String name) {
        Path image = dir.resolve(name);
        VolumeImageRestorer.create(store.source(), store.target()).restoreToFile(BackupSelection.newest(VOLUME), image);
        return image;
    }

    private static NbdTools.Result run(String... command) {
        NbdTools.Result r = NbdTools.run(TOOL_TIMEOUT, command);
        assertThat(r.exitCode()).as(String.join(" ", command) + "\n" + r.output()).isZero();
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Stores.class)
    void nbdcopyAndQemuImgReadExactlyWhatRestoreToFileWrites(Stores kind) throws Exception {
        try (Stores.Store store = kind.create()) {
            WrittenBackup newest = write(store, 2 * MIB);
            Path restored = restoreToFile(store, "restored.img");
            assertThat(Images.sha256(restored)).isEqualTo(newest.image().orElseThrow().sha256());
            try (NbdServer server = serve(store)) {
                String uri = server.uri();
                Path copied = dir.resolve("nbdcopy.img");
                Path raw = dir.resolve("qemu.raw");
                Path qcow2 = dir.resolve("qemu.qcow2");
                Path back = dir.resolve("qcow2-back.raw");

                assertThat(run("nbdinfo", "--size", uri).output().trim()).isEqualTo(Long.toString(12 * 2 * MIB));
                assertThat(run("nbdinfo", uri).output()).contains("is_read_only: true").contains("can_multi_conn: true");
                run("nbdcopy", uri, copied.toString());
                run("qemu-img", "convert", "-f", "raw", "-O", "raw", uri, raw.toString());
                run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", uri, qcow2.toString());
                run("qemu-img", "convert", "-f", "qcow2", "-O", "raw", qcow2.toString(), back.toString());

                String expected = Images.sha256(restored);
                assertThat(Images.sha256(copied)).as("nbdcopy").isEqualTo(expected);
                assertThat(Images.sha256(raw)).as("qemu-img convert -O raw").isEqualTo(expected);
                assertThat(Images.sha256(back)).as("qemu-img convert -O qcow2, then back to raw").isEqualTo(expected);
                assertThat(Images.read(qcow2, 0, 4)).as("a qcow2 file").isEqualTo("QFI\u00fb".getBytes(StandardCharsets.ISO_8859_1));
                assertThat(server.stats().ioErrors()).isZero();
                assertThat(server.stats().bytesSent()).isGreaterThanOrEqualTo(3 * 7 * 2 * MIB);
            }
        }
    }

    @Test
    void sixteenMiBBlocksCopyExactly() throws Exception {
        try (Stores.Store store = Stores.DIRECTORY.create()) {
            write(store, 16 * MIB);
            Path restored = restoreToFile(store, "restored.img");
            try (NbdServer server = serve(store)) {
                Path copied = dir.resolve("nbdcopy.img");
                Path raw = dir.resolve("qemu.raw");
                run("nbdcopy", server.uri(), copied.toString());
                run("qemu-img", "convert", "-f", "raw", "-O", "raw", server.uri(), raw.toString());
                assertThat(Files.size(copied)).isEqualTo(12 * 16 * MIB);
                assertThat(Images.sha256(copied)).isEqualTo(Images.sha256(restored));
                assertThat(Images.sha256(raw)).isEqualTo(Images.sha256(restored));
            }
        }
    }

    @Test
    void aDamagedBlockFailsTheCopiesThatReachItAndNothingElse() throws Exception {
        try (Stores.Store store = Stores.DIRECTORY.create()) {
            WrittenBackup newest = write(store, 2 * MIB);
            Path restored = restoreToFile(store, "restored.img");
            String key = BackupstoreLayout.of(store.target()).blockKey(VOLUME, newest.blocks().get(4 * 2 * MIB));
            store.source().put(key, "garbage, not an lz4 frame".getBytes(StandardCharsets.UTF_8));
            try (NbdServer server = serve(store)) {
                String uri = server.uri();
                NbdTools.Result copy = NbdTools.run(TOOL_TIMEOUT, "nbdcopy", uri, dir.resolve("all.img").toString());
                assertThat(copy.exitCode()).as(copy.output()).isNotZero();
                assertThat(copy.output()).containsIgnoringCase("Input/output error");
                NbdTools.Result convert = NbdTools.run(TOOL_TIMEOUT, "qemu-img", "convert", "-f", "raw", "-O", "raw", uri,
                        dir.resolve("all.raw").toString());
                assertThat(convert.exitCode()).as(convert.output()).isNotZero();
                assertThat(convert.output()).containsIgnoringCase("Input/output error");

                // the four blocks before the damaged one, and the seven after it
                Path head = dir.resolve("head.img");
                Path tail = dir.resolve("tail.img");
                run("qemu-img", "dd", "-f", "raw", "-O", "raw", "bs=2M", "count=4", "if=" + uri, "of=" + head);
                run("qemu-img", "dd", "-f", "raw", "-O", "raw", "bs=2M", "skip=5", "if=" + uri, "of=" + tail);
                assertThat(Files.readAllBytes(head)).isEqualTo(Images.read(restored, 0, (int) (8 * MIB)));
                assertThat(Files.readAllBytes(tail)).isEqualTo(Images.read(restored, 10 * MIB, (int) (14 * MIB)));
                NbdTools.Result damaged = NbdTools.run(TOOL_TIMEOUT, "qemu-img", "dd", "-f", "raw", "-O", "raw", "bs=2M",
                        "skip=3", "if=" + uri, "of=" + dir.resolve("bad.img"));
                assertThat(damaged.exitCode()).as(damaged.output()).isNotZero();
                assertThat(server.stats().ioErrors()).isPositive();
                assertThat(server.stats().badBlocks()).isEqualTo(1);
            }
        }
    }
}
