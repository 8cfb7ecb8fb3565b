package io.drkit.examples.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.examples.cli.ExitCodes;
import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.options.Surface;
import io.drkit.examples.support.Connections;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The restore Job's process-level behaviour that needs no cluster: bad configuration, help. */
class RestoreJobTest {
    private static final Function<Connections.Settings, Connections> NO_CLUSTER = s -> {
        throw new AssertionError("a bad configuration must be refused before connecting to anything");
    };

    @ParameterizedTest(name = "{0}=''{1}'' exits 2")
    @CsvSource({"DRKIT_PARALLELISM, 0", "DRKIT_MODE, restore", "DRKIT_MAX_AGE, soon", "DRKIT_SELECTR, data-tier=critical",
        "DRKIT_BACKUPSTORE, cifs://nas/share", "DRKIT_ALL, true"})
    void badConfigurationExitsTwoWithOneLineNamingTheKey(String key, String value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int code = RestoreJob.run(Map.of(key, value), NO_CLUSTER, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(text.lines()).singleElement().satisfies(line ->
                assertThat(line).startsWith("restore-job: bad configuration: ").contains(key));
    }

    @Test
    void anErrorWithoutAMessageIsDescribedInWordsNotByItsClassName() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteArrayOutputStream kube = new ByteArrayOutputStream();

        int code = RestoreJob.fail(new PrintStream(bytes, true, StandardCharsets.UTF_8), new IllegalStateException());
        int kubeCode = RestoreJob.fail(new PrintStream(kube, true, StandardCharsets.UTF_8),
                new io.fabric8.kubernetes.client.KubernetesClientException((String) null));

        assertThat(code).isEqualTo(ExitCodes.FAILED);
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("restore-job: unexpected error: illegal state exception\n");
        assertThat(kubeCode).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(kube.toString(StandardCharsets.UTF_8))
                .isEqualTo("restore-job: Kubernetes API error: kubernetes client exception\n");
    }

    @Test
    void helpListsEveryKeyWithTheTablesDefaultAndTheExitCodes() {
        String help = RestoreJob.help();

        for (DrOption<?> o : DrOptions.readOn(Surface.JOB)) {
            assertThat(help).as("the table's default of " + o.key().orElseThrow())
                    .containsPattern("(?m)^  " + o.key().orElseThrow() + " +default "
                            + java.util.regex.Pattern.quote(o.defaultText(Surface.JOB).orElse("(none)")) + "$");
        }
        assertThat(help).contains("default data-tier=critical").contains("default apply").contains("AWS_SECRET_ACCESS_KEY")
                .contains("2  usage error").contains("5  retry: a backend was unreachable").contains("synced its view yet")
                .contains("default 30m").contains("default 10m");
    }
}
