package io.drkit.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.drkit.core.Cancellation;
import io.drkit.core.CancelledException;
import io.drkit.core.ConflictException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.model.BackupTarget;
import io.drkit.s3.internal.FileKind;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.WrittenBackup;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code restoreToFile} does with each kind of output path: a regular file goes through a temporary file and a
 * rename; a block device is written in place (never replaced, never truncated, checked for size first); everything
 * else (character devices, FIFOs, sockets, directories) is refused with a message naming the path and its kind. A
 * block device cannot be made without root, so the in-place path runs on a regular file the probe calls a block
 * device; a real loop device is used when {@code DRKIT_LOOP_DEVICE_TESTS=1} and the tests run as root.
 */
class ImageRestoreTargetsTest {
    private static final long MIB = 1 << 20;

    @TempDir
    static Path storeDir;
    static WrittenBackup backup;
    @TempDir
    Path dir;

    @BeforeAll
    static void writeStore() {
        backup = BackupstoreWriter.create(DirectoryObjectSource.of(storeDir), BackupTarget.directory(storeDir), 7)
                .volume("pvc-dev").size(8 * MIB)
                .backup("backup-0000000000000001", Instant.parse("2026-11-01T03:00:00Z"), c -> c.text(0).random(4 * MIB));
    }

    private VolumeImageRestorer restorer(Path pretendDevice, ImageRestoreListener listener) {
        return VolumeImageRestorer.builder(DirectoryObjectSource.of(storeDir), BackupTarget.directory(storeDir))
                .listener(listener)
                .fileKinds(p -> p.equals(pretendDevice) ? FileKind.BLOCK_DEVICE : FileKind.probe(p)).build();
    }

    private static ImageRestoreOptions overwrite() {
        return ImageRestoreOptions.builder().overwrite(true).build();
    }

    /** A "device": a regular file of {@code size} bytes of 0xAA. */
    private Path device(long size) throws IOException {
        Path dev = dir.resolve("loopX");
        byte[] aa = new byte[(int) size];
        Arrays.fill(aa, (byte) 0xAA);
        Files.write(dev, aa);
        return dev;
    }

    private static Object inode(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    private static String sha256(byte[] data, int off, int len) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(data, off, len);
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void aBlockDeviceIsWrittenInPlaceAndWhatLiesBeyondTheImageIsKept() throws Exception {
        Path dev = device(9 * MIB);
        Object before = inode(dev);
        ImageRestoreResult r = restorer(dev, ImageRestoreListener.NONE).restoreToFile(BackupSelection.newest("pvc-dev"),
                dev, overwrite());
        assertThat(r.destination()).isEqualTo(dev.toString());
        assertThat(inode(dev)).as("the same node, written in place").isEqualTo(before);
        byte[] now = Files.readAllBytes(dev);
        assertThat(now).hasSize((int) (9 * MIB)); // not truncated to the image
        assertThat(sha256(now, 0, (int) (8 * MIB))).isEqualTo(backup.image().orElseThrow().sha256()); // holes as zeros
        for (int i = (int) (8 * MIB); i < now.length; i++) {
            assertThat(now[i]).as("byte %d, past the image", i).isEqualTo((byte) 0xAA);
        }
        assertThat(Images.list(dir)).containsExactlyInAnyOrder("loopX");
    }

    @Test
    void aBlockDeviceSmallerThanTheImageIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path dev = device(6 * MIB);
        Object before = inode(dev);
        assertThatThrownBy(() -> restorer(dev, ImageRestoreListener.NONE)
                .restoreToFile(BackupSelection.newest("pvc-dev"), dev, overwrite()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(dev.toString()).hasMessageContaining("holds 6291456 bytes")
                .hasMessageContaining("less than the 8388608-byte image");
        assertThat(inode(dev)).isEqualTo(before);
        byte[] now = Files.readAllBytes(dev);
        assertThat(now).hasSize((int) (6 * MIB)).containsOnly((byte) 0xAA);
        assertThat(Images.list(dir)).containsExactlyInAnyOrder("loopX");
    }

    @Test
    void aBlockDeviceIsOnlyWrittenWhenOverwritingIsAllowed() throws Exception {
        Path dev = device(9 * MIB);
        assertThatThrownBy(() -> restorer(dev, ImageRestoreListener.NONE)
                .restoreToFile(BackupSelection.newest("pvc-dev"), dev))
                .isInstanceOf(ConflictException.class).hasMessageContaining("block device " + dev);
        assertThat(Files.readAllBytes(dev)).containsOnly((byte) 0xAA);
    }

    @Test
    void aCharacterDeviceIsRefusedNamingItsKind() {
        Path devNull = Path.of("/dev/null");
        assumeThat(Files.exists(devNull)).isTrue();
        // never with overwrite here: code that replaced device nodes would replace the machine's /dev/null
        assertThatThrownBy(() -> restorer(null, ImageRestoreListener.NONE)
                .restoreToFile(BackupSelection.newest("pvc-dev"), devNull))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("/dev/null").hasMessageContaining("a character device");
        assertThat(FileKind.probe(devNull)).isEqualTo(FileKind.CHARACTER_DEVICE);
    }

    @Test
    void aCharacterDeviceNodeIsNotReplacedEvenWithOverwrite() throws Exception {
        Path node = dir.resolve("null-node");
        assumeThat(run("mknod", node.toString(), "c", "1", "3")).as("mknod (needs root)").isZero();
        assertThatThrownBy(() -> restorer(null, ImageRestoreListener.NONE)
                .restoreToFile(BackupSelection.newest("pvc-dev"), node, overwrite()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(node + ": it is a character device");
        assertThat(FileKind.probe(node)).isEqualTo(FileKind.CHARACTER_DEVICE);
        assertThat(Images.list(dir)).containsExactlyInAnyOrder("null-node");
    }

    @Test
    void aFifoIsRefusedAndNeverOpened() throws Exception {
        Path fifo = dir.resolve("pipe");
        assertThat(run("mkfifo", fifo.toString())).isZero();
        assertThatThrownBy(() -> restorer(null, ImageRestoreListener.NONE)
                .restoreToFile(BackupSelection.newest("pvc-dev"), fifo, overwrite()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(fifo + ": it is a named pipe (FIFO)");
        assertThat(FileKind.probe(fifo)).isEqualTo(FileKind.FIFO);
        assertThat(Images.list(dir)).containsExactlyInAnyOrder("pipe");
    }

    @Test
    void aSocketIsRefused() throws Exception {
        Path sock = dir.resolve("sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(sock));
            assertThatThrownBy(() -> restorer(null, ImageRestoreListener.NONE)
                    .restoreToFile(BackupSelection.newest("pvc-dev"), sock, overwrite()))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining(sock + ": it is a socket");
            assertThat(FileKind.probe(sock)).isEqualTo(FileKind.SOCKET);
        }
    }

    @Test
    void aDirectoryAndALinkToOneAreRefused() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("sub"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), sub);
        for (Path p : List.of(sub, link)) {
            assertThatThrownBy(() -> restorer(null, ImageRestoreListener.NONE)
                    .restoreToFile(BackupSelection.newest("pvc-dev"), p, overwrite()))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining(p + ": it is a directory");
        }
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Images.list(sub)).isEmpty();
    }

    @Test
    void aCancelledRestoreRemovesItsPartialFileTheMomentItIsCancelled() {
        Cancellation cancel = Cancellation.create();
        AtomicReference<List<String>> atCancel = new AtomicReference<>();
        VolumeImageRestorer r = VolumeImageRestorer.builder(DirectoryObjectSource.of(storeDir),
                BackupTarget.directory(storeDir)).concurrency(1).listener(new ImageRestoreListener() {
                    @Override
                    public void progress(RestoreProgress p) {
                        if (atCancel.get() == null) {
                            cancel.cancel(); // as a signal handler would, on another thread: then the JVM may end
                            atCancel.set(Images.list(dir));
                        }
                    }
                }).build();
        assertThatThrownBy(() -> r.restoreToFile(BackupSelection.newest("pvc-dev"), dir.resolve("c.img"),
                ImageRestoreOptions.builder().cancellation(cancel).build())).isInstanceOf(CancelledException.class);
        assertThat(atCancel.get()).as("files right after cancel() returned").isEmpty();
        assertThat(Images.list(dir)).isEmpty();
    }

    @Test
    void aRegularFileTargetWithAVeryLongNameGetsAPartialFileNameTheFileSystemAccepts() {
        String name = "v".repeat(250) + ".img";
        List<String> seen = new CopyOnWriteArrayList<>();
        VolumeImageRestorer r = VolumeImageRestorer.builder(DirectoryObjectSource.of(storeDir),
                BackupTarget.directory(storeDir)).listener(new ImageRestoreListener() {
                    @Override
                    public void restoreStarted(String v, String b, long size, long blocks, String destination) {
                        seen.addAll(Images.list(dir));
                    }
                }).build();
        r.restoreToFile(BackupSelection.newest("pvc-dev"), dir.resolve(name));
        assertThat(seen).anySatisfy(n -> assertThat(n).endsWith(".drkit-partial")
                .satisfies(x -> assertThat(x.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255)));
        assertThat(Images.list(dir)).containsExactlyInAnyOrder(name);
    }

    @Test
    @EnabledIfEnvironmentVariable(named = "DRKIT_LOOP_DEVICE_TESTS", matches = "1")
    void aRealLoopDeviceIsWrittenInPlace() throws Exception {
        Path backing = dir.resolve("backing.img");
        try (var f = new java.io.RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(10 * MIB);
        }
        Process p = new ProcessBuilder("losetup", "-f", "--show", backing.toString()).redirectErrorStream(true).start();
        String loop = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assumeThat(p.waitFor()).as("losetup: " + loop).isZero();
        Path dev = Path.of(loop);
        try {
            assertThat(FileKind.probe(dev)).isEqualTo(FileKind.BLOCK_DEVICE);
            ImageRestoreResult r = VolumeImageRestorer.builder(DirectoryObjectSource.of(storeDir),
                    BackupTarget.directory(storeDir)).build().restoreToFile(BackupSelection.newest("pvc-dev"), dev,
                    overwrite());
            assertThat(r.intact()).isTrue();
            assertThat(FileKind.probe(dev)).isEqualTo(FileKind.BLOCK_DEVICE);
            byte[] written = Files.readAllBytes(backing);
            assertThat(written).hasSize((int) (10 * MIB));
            assertThat(sha256(written, 0, (int) (8 * MIB))).isEqualTo(backup.image().orElseThrow().sha256());
        } finally {
            run("losetup", "-d", loop);
        }
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        return p.exitValue();
    }
}
