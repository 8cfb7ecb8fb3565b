package io.drkit.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Keeps the restore benchmark runnable: a toy-sized run on the embedded defaults (its figures are not asserted). */
class RestoreBenchmarkSmokeTest {

    @Test
    void aTinyBenchmarkRunPrintsItsTables() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            RestoreBenchmark.main("--size-mib", "8", "--rounds", "1", "--concurrency", "2", "--codecs", "lz4,gzip",
                    "--link-mbit", "800");
        } finally {
            System.setOut(old);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("| lz4 | loopback: (a) plain parallel download of the 4 block objects")
                .contains("| gzip | loopback: **dr-s3 restore to a file, 2 workers**")
                .contains("800 Mbit/s link: (a) plain parallel download").contains("largest live heap after a GC")
                .contains("cores busy ((user+sys)/wall)").contains("CPU-bound ceiling on")
                .contains("Rerun: java -Xmx256m -cp dr-examples/target/dr-examples.jar io.drkit.examples.bench.RestoreBenchmark");
    }
}
