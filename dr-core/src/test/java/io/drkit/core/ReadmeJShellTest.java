package io.drkit.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.contract.JShellRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        try (JShellRunner shell = new JShellRunner().run(lines)) {
            assertThat(shell.value("plan.steps().size()")).isEqualTo("1");
            assertThat(shell.value("plan.toTable()")).contains("karakeep/data-pvc").contains("backup-0000000000000002");
        }
    }
}
