package io.drkit.examples.jshell;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.contract.JShellRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs {@code src/main/jshell/dr.jsh} through the JShell API, as {@code jshell --class-path dr-examples.jar dr.jsh} would. */
class JShellScriptTest {

    @Test
    void theScriptOpensAStoreListsPlansAndVerifies() throws Exception {
        String script = Files.readString(Path.of("src/main/jshell/dr.jsh"));
        List<String> statements = script.lines().filter(l -> !l.isBlank() && !l.startsWith("//")).toList();
        assertThat(statements.size()).isLessThanOrEqualTo(12);
        try (JShellRunner shell = new JShellRunner().run(statements)) {
            assertThat(shell.value("catalog.listBackupVolumes().size()")).isEqualTo("8");
            assertThat(shell.value("plan.steps().size()")).isEqualTo("4");
            assertThat(shell.value("verification.status().name()")).isEqualTo("\"OK\"");
            assertThat(shell.value("verification.summary()")).contains("OK: 1 backups verified (full)");
            shell.value("catalog.close()");
        }
    }
}
