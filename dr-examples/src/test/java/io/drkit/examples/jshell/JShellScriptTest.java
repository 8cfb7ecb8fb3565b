package io.drkit.examples.jshell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.Test;

/** Runs {@code src/main/jshell/dr.jsh} through the JShell API, as {@code jshell --class-path dr.jar dr.jsh} would. */
class JShellScriptTest {

    @Test
    void theScriptOpensAStoreListsPlansAndVerifies() throws Exception {
        String script = Files.readString(Path.of("src/main/jshell/dr.jsh"));
        List<String> statements = script.lines().filter(l -> !l.isBlank() && !l.startsWith("//")).toList();
        assertThat(statements.size()).isLessThanOrEqualTo(12);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (JShell shell = JShell.builder().executionEngine("local")
                .out(new PrintStream(printed, true, StandardCharsets.UTF_8)).build()) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                shell.addToClasspath(entry);
            }
            for (String line : statements) {
                String remaining = line;
                while (!remaining.isBlank()) {
                    SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(remaining);
                    for (SnippetEvent e : shell.eval(info.source())) {
                        assertThat(e.status()).as("status of '%s'", info.source()).isIn(Snippet.Status.VALID, Snippet.Status.OVERWRITTEN);
                        assertThat(e.exception()).as("exception of '%s'", info.source()).isNull();
                    }
                    remaining = info.remaining();
                }
            }
            assertThat(shell.eval("catalog.listBackupVolumes().size()").get(0).value()).isEqualTo("8");
            assertThat(shell.eval("plan.steps().size()").get(0).value()).isEqualTo("4");
            assertThat(shell.eval("verification.status().name()").get(0).value()).isEqualTo("\"OK\"");
            shell.eval("catalog.close()");
        }
    }
}
