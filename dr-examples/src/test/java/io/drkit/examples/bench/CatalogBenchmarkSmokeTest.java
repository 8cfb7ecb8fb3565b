package io.drkit.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Keeps the catalog benchmark runnable: a tiny run on the embedded defaults (its figures are not asserted). */
class CatalogBenchmarkSmokeTest {

    @Test
    void aTinyBenchmarkRunPrintsItsTables() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            CatalogBenchmark.main("--volumes", "6", "--backups", "2", "--blocks", "4", "--large-cfg-mb", "1",
                    "--large-cfgs", "1", "--concurrency", "4");
        } finally {
            System.setOut(old);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("(a) newest complete backup of every volume").contains("(b) full scan of 12 backups")
                .contains("(c) scan of 1 cfgs").contains("Rerun: java -cp dr-examples/target/dr-examples.jar");
    }
}
