package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.drkit.core.model.BackupTarget;
import io.drkit.core.model.CompressionMethod;
import io.drkit.examples.support.Hashes;
import io.drkit.s3.S3ObjectSource;
import io.drkit.s3.testing.BackupstoreWriter;
import io.drkit.s3.testing.EmbeddedS3Server;
import io.drkit.s3.testing.WrittenBackup;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code dr restore-to-file} as a real process, interrupted in the middle of a restore from a slow S3 store: SIGTERM
 * and SIGINT cancel it (one line on stderr, no file left, exit 143 / 130); after SIGKILL the partial file stays, and
 * the next restore to the same file removes it and says so. Also: an image larger than the file system (here: the
 * process's {@code ulimit -f}) allows is refused naming the target, the size and the limit.
 */
class DrCliInterruptTest {
    private static final long MIB = 1 << 20;
    private static final long WAIT_MINUTES = 2;
    private static EmbeddedS3Server s3;
    private static BackupTarget target;
    private static WrittenBackup backup;

    @TempDir
    Path dir;
    Path out;
    Path logs;

    @BeforeAll
    static void writeStore() {
        s3 = EmbeddedS3Server.startTransient();
        target = BackupTarget.parse("s3://slow@us-east-1/");
        try (S3ObjectSource sink = s3.createBucket("slow")) {
            backup = BackupstoreWriter.create(sink, target, 21).volume("pvc-slow").size(64 * MIB)
                    .compression(CompressionMethod.LZ4).backup("backup-0000000000000001",
                            Instant.parse("2026-11-01T03:00:00Z"), c -> {
                                for (long off = 0; off < 64 * MIB; off += 2 * MIB) {
                                    c.random(off);
                                }
                            });
        }
    }

    @AfterAll
    static void stopStore() {
        s3.close();
    }

    @BeforeEach
    void dirs() throws IOException {
        out = Files.createDirectories(dir.resolve("out"));
        logs = Files.createDirectories(dir.resolve("logs"));
    }

    private static Map<String, String> secret(URI endpoint) {
        Map<String, String> env = new HashMap<>(s3.longhornSecret());
        env.put("AWS_ENDPOINTS", endpoint.toString());
        return env;
    }

    /** {@code dr restore-to-file pvc-slow} in a child JVM against {@code endpoint}, with SIGINT not ignored. */
    private Process start(URI endpoint, Path image, String... shellPrefix) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(shellPrefix));
        cmd.addAll(List.of("env", "--default-signal=INT", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), DrCli.class.getName(), "restore-to-file",
                "pvc-slow", "--backupstore", target.url(), "--output", image.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(logs.resolve("stdout").toFile())
                .redirectError(logs.resolve("stderr").toFile());
        Stream.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy")
                .forEach(pb.environment()::remove);
        pb.environment().putAll(secret(endpoint));
        return pb.start();
    }

    private String stderr() throws IOException {
        return Files.readString(logs.resolve("stderr"), StandardCharsets.UTF_8);
    }

    private List<String> outFiles() throws IOException {
        try (Stream<Path> s = Files.list(out)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Waits until the restore has created its partial file (it has then resolved the backup and opened the image). */
    private Path awaitPartial(Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(WAIT_MINUTES);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> s = Files.list(out)) {
                Optional<Path> partial = s.filter(f -> f.getFileName().toString().endsWith(".drkit-partial")).findFirst();
                if (partial.isPresent()) {
                    return partial.get();
                }
            }
            if (!p.isAlive()) {
                fail("the restore ended (exit " + p.exitValue() + ") before writing: " + stderr());
            }
            Thread.sleep(20);
        }
        p.destroyForcibly();
        return fail("no partial file appeared: " + stderr());
    }

    private void awaitStderr(Process p, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(WAIT_MINUTES);
        while (!stderr().contains(text) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"TERM, 143", "INT, 130"})
    void aSignalCancelsTheRestoreSaysSoOnceAndLeavesNoFile(String signal, int exitCode) throws Exception {
        Path image = out.resolve("slow.img");
        Process p;
        try (ThrottlingProxy slow = new ThrottlingProxy(s3.endpoint(), 256 << 10)) {
            p = start(slow.endpoint(), image);
            Path partial = awaitPartial(p);
            assertThat(partial.getFileName().toString()).startsWith(".slow.img." + p.pid() + "-");
            if (signal.equals("TERM")) {
                p.destroy();
            } else {
                assertThat(new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor()).isZero();
            }
            awaitStderr(p, "cancelled by a signal");
        } // closing the proxy resets the block downloads still in flight, so the workers stop at once
        assertThat(p.waitFor(WAIT_MINUTES, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(stderr()).isEqualTo(exitCode);
        assertThat(stderr().lines().toList()).containsExactly("dr restore-to-file: cancelled by a signal; nothing was "
                + "written to " + image + " and the partial file is removed");
        assertThat(outFiles()).isEmpty();
    }

    @Test
    void afterSigkillTheNextRestoreToTheSameFileRemovesThePartialFileAndSaysSo() throws Exception {
        Path image = out.resolve("slow.img");
        Process p;
        Path partial;
        try (ThrottlingProxy slow = new ThrottlingProxy(s3.endpoint(), 256 << 10)) {
            p = start(slow.endpoint(), image);
            partial = awaitPartial(p);
            p.destroyForcibly();
            assertThat(p.waitFor(WAIT_MINUTES, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(p.exitValue()).isEqualTo(137);
        assertThat(outFiles()).containsExactly(partial.getFileName().toString()); // SIGKILL cannot be handled

        CliHarness.Result next = new CliHarness(secret(s3.endpoint()), () -> null)
                .run("restore-to-file", "pvc-slow", "--backupstore", target.url(), "--output", image.toString());
        assertThat(next.exitCode()).as(next.toString()).isZero();
        assertThat(next.err()).contains("dr restore-to-file: removed leftover partial file " + partial
                + ": its restore (process " + p.pid() + ") was interrupted and is gone");
        assertThat(outFiles()).containsExactly("slow.img");
        assertThat(Hashes.sha256(image)).isEqualTo(backup.image().orElseThrow().sha256());
    }

    @Test
    void anImageLargerThanTheFileSystemAllowsIsRefusedNamingTargetSizeAndLimit() throws Exception {
        Path image = out.resolve("big.img");
        Process p = start(s3.endpoint(), image, "bash", "-c", "ulimit -f 16384 && exec \"$@\"", "ulimited");
        assertThat(p.waitFor(WAIT_MINUTES, TimeUnit.MINUTES)).isTrue();
        assumeThat(stderr()).as("ulimit -f").doesNotContain("ulimit:");
        assertThat(p.exitValue()).as(stderr()).isEqualTo(ExitCodes.USAGE);
        assertThat(stderr()).contains("cannot restore the 67108864-byte image (64.0 MiB) to " + image)
                .contains("can be at most 16777216 bytes (16.0 MiB").doesNotContain("null");
        assertThat(outFiles()).isEmpty();
    }
}
