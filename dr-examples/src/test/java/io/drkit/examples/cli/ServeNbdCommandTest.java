package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.drkit.core.InvalidInputException;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.CompressionMethod;
import io.drkit.examples.support.Hashes;
import io.drkit.s3.DirectoryObjectSource;
import io.drkit.s3.S3ObjectSource;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.EmbeddedS3Server;
import io.drkit.s3.testing.NbdTools;
import io.drkit.s3.testing.WrittenBackup;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code dr serve-nbd} as a user runs it: in its own JVM, read by Debian's {@code nbdinfo}, {@code nbdcopy} and
 * {@code qemu-img}, the image byte-identical to {@code dr restore-to-file} of the same backup on a directory store and
 * over S3, stopped by SIGTERM and SIGINT, and a 1 GiB volume served within a 128 MiB heap. The tool tests skip when the
 * tools are missing, and fail instead with {@code DRKIT_REQUIRE_NBD_TOOLS=1} (CI).
 */
@Timeout(600)
class ServeNbdCommandTest {
    private static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(3);
    private static final Pattern CACHED = Pattern.compile("at most (\\d+) blocks cached");

    @TempDir
    Path dir;

    private static void requireTools() {
        NbdTools.missing("nbdcopy", "nbdinfo", "qemu-img").ifPresent(m -> {
            if (NbdTools.required()) {
                fail(m);
            }
            Assumptions.abort(m);
        });
    }

    private static NbdTools.Result run(String... command) {
        NbdTools.Result r = NbdTools.run(TOOL_TIMEOUT, command);
        assertThat(r.exitCode()).as(String.join(" ", command) + "\n" + r.output()).isZero();
        return r;
    }

    private static WrittenBackup writeVolume(BackupstoreWriter w) {
        BackupstoreWriter.VolumeWriter v = w.volume("pvc-db").size(24L << 20).compression(CompressionMethod.LZ4);
        v.backup("backup-0000000000000001", T0, c -> c.random(0).text(2L << 20).zero(6L << 20).mixed(8L << 20));
        return v.backup("backup-0000000000000002", T0.plusSeconds(86_400), c -> c.text(8L << 20).random(22L << 20));
    }

    // ---------------------------------------------------------------- in process: refusals

    @Test
    void refusesRemoteAddressesWithoutAllowRemoteAndNamesMissingBackups() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        writeVolume(BackupstoreWriter.create(DirectoryObjectSource.of(store), BackupTarget.directory(store), 3));
        CliHarness cli = CliHarness.offline();

        CliHarness.Result remote = cli.run("serve-nbd", "pvc-db", "--backupstore", store.toString(), "--listen", "0.0.0.0:0");
        assertThat(remote.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(remote.err()).contains("--allow-remote").contains("no authentication");
        CliHarness.Result missing = cli.run("serve-nbd", "pvc-none", "--backupstore", store.toString(), "--listen", "127.0.0.1:0");
        assertThat(missing.exitCode()).as(missing.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        CliHarness.Result both = cli.run("serve-nbd", "pvc-db", "--backupstore", store.toString(), "--backup", "x",
                "--as-of", "2026-11-24T00:00:00Z");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        CliHarness.Result badListen = cli.run("serve-nbd", "pvc-db", "--backupstore", store.toString(), "--listen", "10809");
        assertThat(badListen.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badListen.err()).contains("HOST:PORT");
    }

    @Test
    void listenAddressesAreHostColonPortOrBracketedIpv6() {
        assertThat(ServeNbdCommand.parseListen("127.0.0.1:10809")).isEqualTo(new InetSocketAddress("127.0.0.1", 10809));
        assertThat(ServeNbdCommand.parseListen("[::1]:0").getAddress().isLoopbackAddress()).isTrue();
        assertThat(ServeNbdCommand.parseListen("localhost:1").getAddress().isLoopbackAddress()).isTrue();
        for (String bad : new String[] {"10809", ":10809", "::1:10809", "[::1]10809", "127.0.0.1:x", "127.0.0.1:70000"}) {
            assertThatThrownBy(() -> ServeNbdCommand.parseListen(bad)).as(bad).isInstanceOf(InvalidInputException.class);
        }
    }

    // ---------------------------------------------------------------- a child JVM, Debian's clients

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"directory", "s3"})
    void debiansClientsReadExactlyWhatRestoreToFileWritesAndSigtermStopsIt(String kind) throws Exception {
        requireTools();
        EmbeddedS3Server s3 = kind.equals("s3") ? EmbeddedS3Server.startTransient() : null;
        try {
            String backupstore;
            Map<String, String> env;
            if (s3 != null) {
                S3ObjectSource bucket = s3.createBucket("backups");
                backupstore = "s3://backups@us-east-1/";
                writeVolume(BackupstoreWriter.create(bucket, BackupTarget.parse(backupstore), 3));
                env = s3.longhornSecret();
            } else {
                Path store = Files.createDirectories(dir.resolve("store"));
                writeVolume(BackupstoreWriter.create(DirectoryObjectSource.of(store), BackupTarget.directory(store), 3));
                backupstore = store.toString();
                env = Map.of();
            }
            Path restored = dir.resolve("restored.img");
            CliHarness.Result r = new CliHarness(env, () -> null).run("restore-to-file", "pvc-db", "--backupstore",
                    backupstore, "--output", restored.toString());
            assertThat(r.exitCode()).as(r.toString()).isZero();

            try (ServeNbdProcess server = ServeNbdProcess.start(List.of(), env, "pvc-db", "--backupstore", backupstore,
                    "--listen", "127.0.0.1:0")) {
                String uri = server.awaitUri();
                assertThat(server.out()).contains("serving backup backup-0000000000000002 of volume pvc-db");
                Path copied = dir.resolve("nbdcopy.img");
                Path qcow2 = dir.resolve("disk.qcow2");
                Path back = dir.resolve("back.raw");

                assertThat(run("nbdinfo", "--size", uri).output().trim()).isEqualTo(Long.toString(24L << 20));
                run("nbdcopy", uri, copied.toString());
                run("qemu-img", "convert", "-f", "raw", "-O", "qcow2", uri, qcow2.toString());
                run("qemu-img", "convert", "-f", "qcow2", "-O", "raw", qcow2.toString(), back.toString());
                assertThat(Hashes.sha256(copied)).as("nbdcopy").isEqualTo(Hashes.sha256(restored));
                assertThat(Hashes.sha256(back)).as("qcow2 and back").isEqualTo(Hashes.sha256(restored));

                assertThat(server.stop("TERM")).as(server.toString()).isEqualTo(143);
                assertThat(server.err()).contains("dr serve-nbd stopped:").contains("0 reads failed with EIO");
            }
        } finally {
            if (s3 != null) {
                s3.close();
            }
        }
    }

    @Test
    void sigintStopsTheServerWithExitCode130() throws Exception {
        requireTools();
        Path store = Files.createDirectories(dir.resolve("store"));
        writeVolume(BackupstoreWriter.create(DirectoryObjectSource.of(store), BackupTarget.directory(store), 3));
        try (ServeNbdProcess server = ServeNbdProcess.start(List.of(), Map.of(), "pvc-db", "--backupstore",
                store.toString(), "--listen", "127.0.0.1:0", "-o", "jsonl")) {
            String uri = server.awaitUri();
            assertThat(run("nbdinfo", "--size", uri).output().trim()).isEqualTo(Long.toString(24L << 20));
            assertThat(server.out()).startsWith("{\"apiVersion\":\"drkit.io/v1\",\"kind\":\"NbdExport\",\"uri\":\"" + uri + "\"");

            assertThat(server.stop("INT")).as(server.toString()).isEqualTo(130);
            assertThat(server.err()).contains("dr serve-nbd stopped: 1 clients");
        }
    }

    @Test
    void aOneGibVolumeIsServedWholeWithin128MiBOfHeap() throws Exception {
        requireTools();
        Path store = Files.createDirectories(dir.resolve("store"));
        BackupstoreWriter w = BackupstoreWriter.create(DirectoryObjectSource.of(store), BackupTarget.directory(store), 5);
        // 1 GiB, 2 MiB blocks, 192 of the 512 slots written (random, text, mixed): 384 MiB of data, the rest holes
        WrittenBackup b = w.volume("pvc-big").size(1L << 30).compression(CompressionMethod.LZ4)
                .backup("backup-0000000000000001", T0, c -> c.spread(192, 1L << 30, 2 << 20));
        String expected = b.image().orElseThrow().sha256();

        try (ServeNbdProcess server = ServeNbdProcess.start(List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"), Map.of(),
                "pvc-big", "--backupstore", store.toString(), "--listen", "127.0.0.1:0")) {
            String uri = server.awaitUri();
            Process copy = new ProcessBuilder("nbdcopy", uri, "-").redirectError(ProcessBuilder.Redirect.INHERIT).start();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long bytes = 0;
            try (InputStream in = copy.getInputStream()) {
                byte[] buf = new byte[1 << 20];
                for (int n; (n = in.read(buf)) > 0; ) {
                    sha.update(buf, 0, n);
                    bytes += n;
                }
            }
            assertThat(copy.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(copy.exitValue()).isZero();
            assertThat(bytes).isEqualTo(1L << 30);
            assertThat(HexFormat.of().formatHex(sha.digest())).as("the whole image through a 128 MiB heap").isEqualTo(expected);

            assertThat(server.stop("TERM")).as(server.toString()).isEqualTo(143);
            Matcher m = CACHED.matcher(server.err());
            assertThat(m.find()).as(server.toString()).isTrue();
            assertThat(Integer.parseInt(m.group(1))).as("the cache stayed within its 8 blocks").isBetween(1, 8);
            assertThat(server.err()).doesNotContain("OutOfMemoryError");
        }
    }
}
