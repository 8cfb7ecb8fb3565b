package io.drkit.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keeps the restore benchmark runnable: a toy-sized run on the embedded defaults (its figures are not asserted). */
class RestoreBenchmarkSmokeTest {

    @Test
    void aTinyBenchmarkRunPrintsItsTables() throws Exception {
        String text = Stdout.of(() -> RestoreBenchmark.main(
                "--size-mib", "8", "--rounds", "1", "--concurrency", "2", "--codecs", "lz4,gzip",
                "--link-mbit", "800"));
        assertThat(text).contains("| lz4 | loopback: (a) plain parallel download of the 4 block objects")
                .contains("| gzip | loopback: **dr-s3 restore to a file, 2 workers**")
                .contains("800 Mbit/s link: (a) plain parallel download").contains("largest live heap after a GC")
                .contains("cores busy ((user+sys)/wall)").contains("CPU-bound ceiling on")
                .contains("Rerun: java -Xmx256m -cp dr-examples/target/dr-examples.jar io.drkit.examples.bench.RestoreBenchmark");
    }

    @Test
    void aDestinationDirectoryAddsItsRowsAndIsLeftEmpty(@TempDir Path dest) throws Exception {
        String text = Stdout.of(() -> RestoreBenchmark.main(
                "--size-mib", "8", "--rounds", "1", "--concurrency", "2", "--codecs", "lz4",
                "--link-mbit", "0", "--dest-dir", dest.toString()));
        assertThat(text).contains("| lz4 | loopback: **dr-s3 restore to a file in " + dest.toAbsolutePath() + ", 2 workers**")
                .contains("| lz4 | loopback: reference: plain parallel download written per object to a file in "
                        + dest.toAbsolutePath())
                .contains("| lz4 | loopback: **dr-s3 restore to a file, 2 workers**")
                .contains("--dest-dir " + dest.toAbsolutePath());
        try (var left = Files.list(dest)) {
            assertThat(left).as("the benchmark's files in the destination directory are removed").isEmpty();
        }
    }
}
