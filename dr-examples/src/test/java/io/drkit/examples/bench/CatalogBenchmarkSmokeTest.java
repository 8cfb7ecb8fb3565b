package io.drkit.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Keeps the catalog benchmark runnable: a tiny run on the embedded defaults (its figures are not asserted). */
class CatalogBenchmarkSmokeTest {

    @Test
    void aTinyBenchmarkRunPrintsItsTables() throws Exception {
        String text = Stdout.of(() -> CatalogBenchmark.main(
                "--volumes", "6", "--backups", "2", "--blocks", "4", "--large-cfg-mb", "1",
                "--large-cfgs", "1", "--concurrency", "4"));
        assertThat(text).contains("(a) newest complete backup of every volume").contains("(b) full scan of 12 backups")
                .contains("(c) scan of 1 cfgs").contains("Rerun: java -cp dr-examples/target/dr-examples.jar");
    }
}
