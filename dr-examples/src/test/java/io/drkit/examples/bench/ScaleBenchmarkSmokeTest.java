package io.drkit.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Keeps the scale benchmark runnable: a toy-sized growth series (its figures are not asserted). */
class ScaleBenchmarkSmokeTest {

    @Test
    void aTinyGrowthSeriesPrintsItsTables() throws Exception {
        String text = Stdout.of(() -> ScaleBenchmark.main(
                "--series", "4,8", "--backups", "3", "--concurrency", "4", "--baseline-up-to", "4"));
        assertThat(text).contains("| 4 x 3 | newest complete backup of every volume |")
                .contains("| 8 x 3 | full scan of 24 backups |")
                .contains("| 8 x 3 | `dr plan --all --offline`")
                .contains("| 4 x 3 | baseline: full scan as Longhorn's manager does it (sequential) |")
                .doesNotContain("| 8 x 3 | baseline")
                .contains("Growth from 4 to 8 volumes")
                .contains("Rerun: java -Xmx256m -cp dr-examples/target/dr-examples.jar io.drkit.examples.bench.ScaleBenchmark");
    }

    @Test
    void helpListsTheOptions() throws Exception {
        String printed = Stdout.of(() -> ScaleBenchmark.main("--help"));
        assertThat(printed).contains("--series").contains("--backups")
                .contains("--concurrency").contains("--baseline-up-to").contains("--store");
    }
}
