package io.drkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.Test;

/** Runs the JShell session shown in the project README through the JShell API, so the README stays true. */
class ReadmeJShellTest {

    static List<String> sessionLines(Path readme) throws IOException {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(readme)) {
            if (line.startsWith("```jshell")) {
                in = true;
            } else if (in && line.startsWith("```")) {
                break;
            } else if (in && line.startsWith("jshell> ")) {
                out.add(line.substring("jshell> ".length()));
            }
        }
        return out;
    }

    @Test
    void readmeSessionPlansAndPrintsTheTable() throws IOException {
        List<String> lines = sessionLines(Path.of("..", "README.md"));
        assertThat(lines).hasSizeGreaterThanOrEqualTo(4).hasSizeLessThanOrEqualTo(5);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (JShell shell = JShell.builder().executionEngine("local")
                .out(new PrintStream(printed, true, StandardCharsets.UTF_8)).build()) {
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                shell.addToClasspath(entry);
            }
            for (String line : lines) {
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
            List<SnippetEvent> steps = shell.eval("plan.steps().size()");
            assertThat(steps.get(0).value()).isEqualTo("1");
            List<SnippetEvent> table = shell.eval("plan.toTable()");
            assertThat(table.get(0).value()).contains("karakeep/data-pvc").contains("backup-0000000000000002");
        }
    }
}
