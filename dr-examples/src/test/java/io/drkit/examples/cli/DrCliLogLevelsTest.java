package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.s3.testing.BackupstoreWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -q}, {@code -v} and {@code --debug} in a real {@code dr} process (slf4j-simple fixes a logger's level when it
 * is made, so each case runs in its own JVM): each skipped entry is reported once, in the output, unless {@code -v}.
 */
class DrCliLogLevelsTest {
    @TempDir
    static Path store;
    @TempDir
    Path work;

    @BeforeAll
    static void writeStore() throws IOException {
        BackupstoreWriter w = ExampleStore.writeDirectory(store);
        // a volume.cfg that cannot be read: the scan skips the volume (a WARN of the catalog)
        Path cfg = store.resolve(w.layout().volumeCfg("pvc-immich"));
        String text = Files.readString(cfg, StandardCharsets.UTF_8);
        Files.writeString(cfg, "{\"Size\":99999999999999999999999," + text.substring(1), StandardCharsets.UTF_8);
        // pvc-jellyfin loses its blocks: restore-to-file --salvage warns of each block written as zeros
        Path volume = store.resolve(w.layout().volumeCfg("pvc-jellyfin")).getParent();
        try (Stream<Path> blocks = Files.walk(volume.resolve("blocks"))) {
            for (Path b : blocks.filter(Files::isRegularFile).toList()) {
                Files.delete(b);
            }
        }
    }

    private ChildCli.Result dr(String... args) throws Exception {
        return ChildCli.run(work, List.of(), Map.of(), List.of(List.of(args)));
    }

    private static long warnLines(String err) {
        return err.lines().filter(l -> l.contains(" WARN ")).count();
    }

    @Test
    void aSkippedEntryIsReportedOnceInTheOutputAndNotAlsoLogged() throws Exception {
        ChildCli.Result r = dr("volumes", "--backupstore", store.toString());
        assertThat(r.exitCodes()).as(r.toString()).containsExactly(0);
        assertThat(r.out()).contains("Skipped:");
        assertThat(r.all().split("volume.cfg", -1)).as(r.toString()).hasSize(2); // the skipped volume.cfg, once
        assertThat(warnLines(r.err())).as(r.toString()).isZero();
    }

    @Test
    void verboseLogsTheWarningsTheCommandReportsItself() throws Exception {
        ChildCli.Result r = dr("volumes", "--backupstore", store.toString(), "-v");
        assertThat(r.exitCodes()).as(r.toString()).containsExactly(0);
        assertThat(r.err()).as(r.toString()).contains(" WARN ").contains("volume.cfg");
    }

    @Test
    void quietSilencesWarningsThatAreLoggedByDefault() throws Exception {
        List<String> restore = new ArrayList<>(List.of("restore-to-file", "pvc-jellyfin", "--backupstore",
                store.toString(), "--salvage"));
        ChildCli.Result normal = dr(withOutput(restore, "normal.img"));
        assertThat(normal.exitCodes()).as(normal.toString()).containsExactly(ExitCodes.DAMAGED);
        assertThat(warnLines(normal.err())).as(normal.toString()).isPositive();

        ChildCli.Result quiet = dr(withOutput(restore, "quiet.img", "-q"));
        assertThat(quiet.exitCodes()).as(quiet.toString()).containsExactly(ExitCodes.DAMAGED);
        assertThat(quiet.out()).contains("salvaged: block");
        assertThat(warnLines(quiet.err())).as(quiet.toString()).isZero();
    }

    @Test
    void debugAddsDebugLines() throws Exception {
        ChildCli.Result r = dr("volumes", "--backupstore", store.toString(), "--debug");
        assertThat(r.exitCodes()).as(r.toString()).containsExactly(0);
        assertThat(r.err()).as(r.toString()).contains(" DEBUG io.drkit");
    }

    private String[] withOutput(List<String> args, String file, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--output", work.resolve(file).toString()));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
