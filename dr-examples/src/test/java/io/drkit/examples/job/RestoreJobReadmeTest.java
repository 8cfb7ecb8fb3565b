package io.drkit.examples.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.examples.options.OptionDocs;
import io.drkit.examples.options.Surface;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeps the README's section "The restore Job" true: its key table is the code's, its snippet the tested one. */
class RestoreJobReadmeTest {
    private static final Path README = Path.of("README.md");

    private static String section() throws IOException {
        String text = Files.readString(README);
        int start = text.indexOf("\n## The restore Job\n");
        assertThat(start).as("README section 'The restore Job'").isNotNegative();
        int end = text.indexOf("\n## ", start + 1);
        return end < 0 ? text.substring(start) : text.substring(start, end);
    }

    @Test
    void theKeyTableListsEveryKeyWithTheCodesDefaultAndMeaning() throws IOException {
        List<String> rows = section().lines().filter(l -> l.startsWith("| `DRKIT_")).toList();

        assertThat(rows).containsExactlyElementsOf(OptionDocs.markdownRows(Surface.JOB));
    }

    @Test
    void theSecretKeysAndTheDeployDirectoryAreDocumented() throws IOException {
        String s = section();

        for (String k : RestoreJobConfig.SECRET_KEYS) {
            if (!k.equals(k.toLowerCase())) {
                assertThat(s).contains("`" + k + "`");
            }
        }
        assertThat(s).contains("deploy/README.md").contains("kubectl apply -k").contains("Dockerfile");
    }

    @Test
    void theJavaSnippetIsTheOneTheEndToEndTestRuns() throws IOException {
        String s = section();
        String readme = s.substring(s.indexOf("```java\n") + 8, s.indexOf("```", s.indexOf("```java\n") + 8));
        String source = Files.readString(Path.of("src/test/java/io/drkit/examples/job/RestoreJobEndToEndTest.java"));
        String tested = source.substring(source.indexOf("// --- README snippet: start") + 28, source.indexOf("    // --- README snippet: end"));

        assertThat(normalize(readme)).isEqualTo(normalize(tested)).contains("RestoreJob.run(config, connections, System.out)");
    }

    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (a, b) -> a + b + "\n");
    }
}
