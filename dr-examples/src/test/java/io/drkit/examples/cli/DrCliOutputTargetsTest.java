package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dr restore-to-file --output} on paths that are not regular files: a block device node is never replaced (the
 * issue's {@code mknod loopX b …; … --output loopX --overwrite}), a FIFO or a directory is refused with exit 2 and a
 * message naming the path and its kind.
 */
class DrCliOutputTargetsTest {
    @TempDir
    Path dir;
    Path store;
    Path out;
    private final CliHarness cli = CliHarness.offline();

    @BeforeEach
    void writeStore() throws Exception {
        store = Files.createDirectories(dir.resolve("store"));
        ExampleStore.writeDirectory(store);
        out = Files.createDirectories(dir.resolve("out"));
    }

    private CliHarness.Result restoreTo(Path output, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("restore-to-file", "pvc-karakeep", "--backupstore",
                store.toString(), "--output", output.toString()));
        args.addAll(List.of(more));
        return cli.run(args.toArray(String[]::new));
    }

    private List<String> outFiles() throws Exception {
        try (Stream<Path> s = Files.list(out)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        return p.exitValue();
    }

    private static String mode(Path p) throws Exception {
        return Integer.toOctalString((Integer) Files.getAttribute(p, "unix:mode") & 0170000);
    }

    @Test
    void aBlockDeviceNodeIsNeverReplacedByARegularFile() throws Exception {
        Path node = out.resolve("loopX");
        // major 240 is reserved for local use: no driver, so nothing real is behind this node
        assumeThat(run("mknod", node.toString(), "b", "240", "200")).as("mknod needs root").isZero();
        CliHarness.Result r = restoreTo(node, "--overwrite");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("cannot open block device " + node + " for writing");
        assertThat(mode(node)).as("still a block device").isEqualTo("60000");
        assertThat(outFiles()).containsExactly("loopX");

        CliHarness.Result without = restoreTo(node);
        assertThat(without.exitCode()).as(without.toString()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(without.err()).contains("block device " + node + " would be overwritten");
        assertThat(mode(node)).isEqualTo("60000");
    }

    @Test
    void aFifoIsRefusedWithExitCode2NamingThePathAndItsKind() throws Exception {
        Path fifo = out.resolve("pipe");
        assertThat(run("mkfifo", fifo.toString())).isZero();
        CliHarness.Result r = restoreTo(fifo, "--overwrite");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("cannot restore to " + fifo + ": it is a named pipe (FIFO)");
        assertThat(mode(fifo)).isEqualTo("10000");
        assertThat(outFiles()).containsExactly("pipe");
    }

    @Test
    void aDirectoryIsRefusedWithExitCode2() throws Exception {
        CliHarness.Result r = restoreTo(out, "--overwrite");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("cannot restore to " + out + ": it is a directory");
        assertThat(outFiles()).isEmpty();
    }

    @Test
    void theHelpSaysWhatHappensToDevicesSignalsAndLeftovers() {
        CliHarness.Result r = cli.run("restore-to-file", "--help");
        String help = String.join(" ", r.out().split("\\s+"));
        assertThat(help).contains("a failed or cancelled restore (also by SIGINT or SIGTERM) leaves no file behind")
                .contains("removed by the next restore to the same file")
                .contains("A block device is written in place (never replaced or truncated), only with --overwrite")
                .contains("Directories, character devices, FIFOs and sockets are refused (exit 2)")
                .contains("exit 130 or 143");
    }
}
