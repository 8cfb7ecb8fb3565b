package io.drkit.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Keeps the NBD benchmark runnable: a toy-sized run on the embedded defaults (its figures are not asserted). */
class NbdBenchmarkSmokeTest {

    @Test
    void aTinyBenchmarkRunPrintsItsTable() throws Exception {
        String text = Stdout.of(() -> NbdBenchmark.main(
                "--size-mib", "8", "--rounds", "1", "--concurrency", "2", "--link-mbit", "800"));
        assertThat(text).contains("| measurement | loopback | 800 Mbit/s link |")
                .contains("| **time to first byte through NBD**")
                .contains("| **full restore to a file** (2 workers")
                .contains("| full verification (`dr verify --level full`), image MiB/s |")
                .containsPattern("\\| `dr serve-nbd` in a new JVM to the first 4 KiB read [^|]*\\| \\d+\\.\\d+ s \\|")
                .contains("Rerun: java -Xmx256m -cp dr-examples/target/dr-examples.jar io.drkit.examples.bench.NbdBenchmark");
    }
}
