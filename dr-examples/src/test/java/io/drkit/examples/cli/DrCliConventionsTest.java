package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drkit.core.DrTimeoutException;
import io.drkit.core.InvalidInputException;
import io.drkit.core.plan.RestorePlan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The command-line conventions of {@code dr}: {@code -l}, one envelope for every document in {@code -o json|jsonl|yaml},
 * errors without class names and bounded, {@code --debug} anywhere, shell completion, and commands that list only the
 * options they take.
 */
class DrCliConventionsTest {
    @TempDir
    static Path store;
    @TempDir
    Path work;

    private static final ObjectMapper JSON = new ObjectMapper();
    private final CliHarness cli = CliHarness.offline();

    @BeforeAll
    static void writeStore() {
        ExampleStore.writeDirectory(store);
    }

    /** Each command that prints a document, as arguments without {@code -o}. */
    private static List<List<String>> documentCommands() {
        String s = store.toString();
        return List.of(List.of("volumes", "--backupstore", s), List.of("backups", "pvc-karakeep", "--backupstore", s),
                List.of("plan", "--backupstore", s, "--offline", "--all"),
                List.of("audit", "--backupstore", s, "--offline", "--critical-max-age", "30d"),
                List.of("verify", "pvc-karakeep", "--backupstore", s));
    }

    private CliHarness.Result run(List<String> args, String... more) {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of(more));
        return cli.run(all.toArray(String[]::new));
    }

    @Test
    void everyJsonDocumentIsInTheEnvelopeAndItsYamlAndJsonlAreTheSameDocument() throws Exception {
        for (List<String> args : documentCommands()) {
            CliHarness.Result json = run(args, "-o", "json");
            assertThat(json.exitCode()).as(json.toString()).isZero();
            JsonNode doc = withoutRunFields(JSON.readTree(json.out()));
            assertThat(doc.isObject()).as(args.toString()).isTrue();
            List<String> fields = new ArrayList<>();
            doc.fieldNames().forEachRemaining(fields::add);
            assertThat(fields.subList(0, 2)).as(args.toString()).containsExactly("apiVersion", "kind");
            assertThat(doc.path("apiVersion").asText()).isEqualTo(FormatOptions.API_VERSION);
            assertThat(doc.path("kind").asText()).as(args.toString()).isNotBlank();

            CliHarness.Result yaml = run(args, "-o", "yaml");
            assertThat(yaml.exitCode()).as(yaml.toString()).isZero();
            assertThat(yaml.out()).as(args.toString()).startsWith("apiVersion: \"" + FormatOptions.API_VERSION + "\"");
            JsonNode fromYaml = JSON.readTree(YAMLMapper.builder().build().readTree(yaml.out()).toString());
            assertThat(withoutRunFields(fromYaml)).as(args.toString()).isEqualTo(doc);

            CliHarness.Result jsonl = run(args, "-o", "jsonl");
            assertThat(jsonl.out().lines().count()).as(args.toString()).isOne();
            assertThat(withoutRunFields(JSON.readTree(jsonl.out()))).isEqualTo(doc);
        }
    }

    /** The document without what differs from run to run (verify's time and random seed). */
    private static JsonNode withoutRunFields(JsonNode doc) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) doc).remove(List.of("elapsedMillis", "seed"));
        return doc;
    }

    @Test
    void backupsIsAnObjectNamingItsVolumeNotABareArray() throws Exception {
        JsonNode doc = JSON.readTree(cli.run("backups", "pvc-karakeep", "--backupstore", store.toString(), "-o", "json")
                .out());
        assertThat(doc.path("kind").asText()).isEqualTo("BackupList");
        assertThat(doc.path("volume").asText()).isEqualTo("pvc-karakeep");
        assertThat(doc.path("backups")).hasSize(3);
    }

    @Test
    void thePlanInItsEnvelopeIsStillThePlanFileApplyReads() throws Exception {
        CliHarness.Result json = cli.run("plan", "--backupstore", store.toString(), "--offline", "--all", "-o", "json");
        JsonNode doc = JSON.readTree(json.out());
        assertThat(doc.path("kind").asText()).isEqualTo("RestorePlan");
        assertThat(doc.path("schemaVersion").asInt()).isEqualTo(RestorePlan.SCHEMA_VERSION);
        assertThat(RestorePlan.fromJson(json.out()).steps()).isNotEmpty();
        Path file = Files.writeString(work.resolve("plan.json"), json.out());
        CliHarness.Result apply = cli.run("apply", file.toString(), "--no-catalog-check", "-o", "yaml");
        // no cluster in this test: the plan was read (a bad plan is exit 2), then the check of Kubernetes failed
        assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(ExitCodes.UNAVAILABLE);
    }

    @Test
    void dashLIsTheSelector() {
        CliHarness.Result l = cli.run("plan", "--backupstore", store.toString(), "-l", "data-tier=critical");
        CliHarness.Result selector = cli.run("plan", "--backupstore", store.toString(), "--selector", "data-tier=critical");
        assertThat(l.exitCode()).as(l.toString()).isEqualTo(selector.exitCode()).isNotEqualTo(ExitCodes.USAGE);
        assertThat(l.err()).isEqualTo(selector.err());
        assertThat(cli.run("plan", "--help").out()).contains("-l, --selector=KEY=VALUE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"verify", "restore-to-file", "serve-nbd"})
    void commandsThatReadTheBackupstoreDirectlyListOnlyItsOptions(String command) {
        String help = cli.run(command, "--help").out();
        assertThat(help).contains("--backupstore", "--target-url")
                .doesNotContain("--kubernetes", "--longhorn", "--sync-wait", "--backup-target");
        CliHarness.Result r = cli.run(command, "v", "--kubernetes", "--output", work.resolve("x").toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).containsPattern("Unknown options?: '--kubernetes'");
    }

    @Test
    void aBadOptionValueIsNamedWithoutAJavaClassName() {
        CliHarness.Result r = cli.run("audit", "--backupstore", store.toString(), "--slack", "nope");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().lines().findFirst().orElseThrow()).contains("--slack", "'nope' is not a duration")
                .doesNotContain("Exception", "io.drkit");
        CliHarness.Result asOf = cli.run("restore-to-file", "v", "--as-of", "soon", "--output", "x");
        assertThat(asOf.err().lines().findFirst().orElseThrow()).contains("--as-of", "soon").doesNotContain("Exception");
    }

    @Test
    void debugPrintsTheStackTraceBeforeOrAfterTheCommand() {
        String[] bad = {"--backupstore", "ftp://nowhere/x"};
        CliHarness.Result plain = cli.run("volumes", bad[0], bad[1]);
        assertThat(plain.err()).doesNotContain("\tat io.drkit", "Exception");
        assertThat(plain.err().strip().lines()).singleElement().asString().startsWith("dr volumes: ");
        for (CliHarness.Result r : List.of(cli.run("--debug", "volumes", bad[0], bad[1]),
                cli.run("volumes", bad[0], bad[1], "--debug"))) {
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("InvalidInputException", "\tat io.drkit");
        }
    }

    @Test
    void errorTextHasNoClassNamesNoRepeatsAndABound() {
        String repeated = "creating PV pv-1 failed: PersistentVolume pv-1 is invalid: spec.capacity required: "
                + "io.fabric8.kubernetes.client.KubernetesClientException: PersistentVolume pv-1 is invalid: "
                + "spec.capacity required";
        assertThat(ErrorText.shorten(repeated))
                .isEqualTo("creating PV pv-1 failed: PersistentVolume pv-1 is invalid: spec.capacity required");
        assertThat(ErrorText.shorten("cannot convert 'x' (io.drkit.core.InvalidInputException: 'x' is bad)"))
                .isEqualTo("cannot convert 'x' ('x' is bad)");
        assertThat(ErrorText.shorten("read failed: java.net.SocketTimeoutException")).isEqualTo("read failed: socket timeout");
        assertThat(ErrorText.shorten("x".repeat(5000))).hasSize(ErrorText.MAX_LENGTH).endsWith("…");

        assertThat(ErrorText.of(new InvalidInputException("x".repeat(5000)), false))
                .hasSizeLessThan(ErrorText.MAX_LENGTH + 40).endsWith("(--debug shows the details)");
        assertThat(ErrorText.of(new InvalidInputException("x".repeat(5000)), true)).hasSize(5000);
        assertThat(ErrorText.of(new DrTimeoutException("step a/b did not finish", Duration.ofMinutes(1)), false))
                .startsWith("step a/b did not finish").doesNotContain("Exception", "--debug");
        assertThat(ErrorText.of(new IllegalStateException(), false))
                .isEqualTo("unexpected error: illegal state (--debug shows the details)");
    }

    @Test
    void bashCompletionLoadsInBash() throws Exception {
        CliHarness.Result r = cli.run("completion", "bash");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        Path script = Files.writeString(work.resolve("dr-completion.bash"), r.out());
        Process p = new ProcessBuilder("bash", "-c", "source \"$1\" && complete -p dr", "bash", script.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("complete").contains(" dr");
        assertThat(r.out()).contains("volumes", "restore-to-file", "--backupstore");

        CliHarness.Result zsh = cli.run("completion", "zsh");
        assertThat(zsh.exitCode()).isZero();
        assertThat(zsh.out()).startsWith("autoload -U +X compinit && compinit").contains("bashcompinit");
        assertThat(cli.run("completion", "fish").exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}
