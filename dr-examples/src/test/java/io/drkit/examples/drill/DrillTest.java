package io.drkit.examples.drill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drkit.examples.cli.CliContext;
import io.drkit.examples.cli.DrCli;
import io.drkit.examples.cli.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drill is the README's main command: it must pass on embedded defaults, and fail loudly on a damaged backup. */
class DrillTest {

    @Test
    void everyCriticalAppComesBackWithTheRightBytes(@TempDir Path work) throws Exception {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        CliContext ctx = new CliContext(new PrintStream(json, true, StandardCharsets.UTF_8),
                new PrintStream(log, true, StandardCharsets.UTF_8), Map.of(), () -> null, false, Clock.systemUTC());
        int code = DrCli.run(ctx, "drill", "--workdir", work.toString(), "-o", "json");
        String out = log.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        JsonNode result = new ObjectMapper().readTree(json.toString(StandardCharsets.UTF_8));
        assertThat(result.path("kind").asText()).isEqualTo("DrillResult");
        assertThat(result.path("passed").asBoolean()).isTrue();
        assertThat(result.path("apps").findValuesAsText("verdict")).containsExactly("OK", "OK", "OK", "OK", "LEFT_ALONE", "LEFT_ALONE");
        for (JsonNode app : result.path("apps")) {
            assertThat(app.path("actualSha256").asText()).isEqualTo(app.path("expectedSha256").asText());
        }
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
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Drill.Result r = Drill.execute(new Drill.Options(Optional.empty(), false, 2026, true),
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(r.passed()).as(out).isFalse();
        assertThat(r.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.restoreJobExit()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.apps()).filteredOn(a -> a.verdict().equals("FAIL")).singleElement()
                .satisfies(a -> assertThat(a.pvc()).isEqualTo("karakeep/data-pvc"));
        assertThat(r.apps()).filteredOn(a -> a.verdict().equals("OK")).hasSize(3);
        assertThat(out).contains("--bit-rot").contains("DRILL FAILED: 3 of 4 critical apps");
    }
}
