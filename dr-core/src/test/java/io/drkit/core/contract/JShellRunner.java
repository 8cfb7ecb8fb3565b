package io.drkit.core.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.util.List;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * Runs JShell input (README sessions, {@code .jsh} scripts) through the JShell API with the test class path, failing
 * the test on any rejected snippet or exception, so documentation that shows JShell stays true. Close it after use.
 */
public final class JShellRunner implements AutoCloseable {
    private final JShell shell;

    /** A shell with the current test class path. */
    public JShellRunner() {
        shell = JShell.builder().executionEngine("local").build();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            shell.addToClasspath(entry);
        }
    }

    /** Evaluates each line (a line may hold several statements); every snippet must be valid and not throw. */
    public JShellRunner run(List<String> lines) {
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
        return this;
    }

    /** The value of {@code expression} as JShell prints it (strings quoted). */
    public String value(String expression) {
        List<SnippetEvent> events = shell.eval(expression);
        assertThat(events).as("evaluating %s", expression).isNotEmpty();
        assertThat(events.get(0).exception()).as("exception of %s", expression).isNull();
        return events.get(0).value();
    }

    @Override
    public void close() {
        shell.close();
    }
}
