package io.drkit.examples.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.examples.cli.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drill is the README's main command: it must pass on embedded defaults, and fail loudly on a damaged backup. */
class DrillTest {

    private static String run(Drill.Options options, int expectedExit) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = Drill.run(options, new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isEqualTo(expectedExit);
        return out;
    }

    @Test
    void everyCriticalAppComesBackWithTheRightBytes(@TempDir Path work) throws Exception {
        String out = run(new Drill.Options(Optional.of(work), true, 2026, false), ExitCodes.OK);
        assertThat(out).contains("Simulated here:").contains("DRILL PASSED: 4 of 4 critical apps");
        assertThat(out.indexOf("Restore plan")).isLessThan(out.indexOf("RESTORED"));
        assertThat(out).contains("karakeep/data-pvc    OK").contains("vaultwarden/data     OK")
                .contains("DATA_LOSS_GUARD").contains("STALE_POINTER").contains("paperless/data       not critical: left alone");
        try (var images = Files.list(work.resolve("volumes"))) {
            assertThat(images.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("pvc-karakeep-data.img",
                    "pvc-immich-library.img", "pvc-immich-postgres.img", "pvc-vaultwarden-old.img");
        }
        assertThat(Files.size(work.resolve("volumes/pvc-immich-library.img"))).isEqualTo(64L << 20);
    }

    @Test
    void aCorruptedBlockMakesTheDrillFail() {
        String out = run(new Drill.Options(Optional.empty(), false, 2026, true), ExitCodes.FAILED);
        assertThat(out).contains("--bit-rot").contains("DRILL FAILED: 3 of 4 critical apps")
                .contains("karakeep/data-pvc    FAIL");
    }
}
