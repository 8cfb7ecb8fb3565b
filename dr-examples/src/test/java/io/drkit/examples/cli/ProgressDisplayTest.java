package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {

    @Test
    void drawsABarInPlaceOnATerminal() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ProgressDisplay d = new ProgressDisplay(new PrintStream(buf, true, StandardCharsets.UTF_8), true)) {
            d.update("apps/a", 50, 100, "%", "restoring");
            d.finish("apps/a", "apps/a: RESTORED");
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("\r[############............]  50% 50 %/100 %  apps/a restoring")
                .contains("apps/a: RESTORED\n");
    }

    @Test
    void byteTasksShowMebibytes() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ProgressDisplay d = new ProgressDisplay(new PrintStream(buf, true, StandardCharsets.UTF_8), true)) {
            d.update("pvc-1", 3L << 20, 12L << 20, "bytes", "backup-1");
        }
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains(" 25% 3.0 MiB/12.0 MiB").contains("pvc-1 backup-1");
    }

    @Test
    void printsNothingWhenNotATerminal() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ProgressDisplay d = new ProgressDisplay(new PrintStream(buf, true, StandardCharsets.UTF_8), false)) {
            d.update("apps/a", 50, 100, "%", "restoring");
            d.finish("apps/a", "apps/a: RESTORED");
            d.println("hello");
        }
        assertThat(buf.size()).isZero();
    }
}
