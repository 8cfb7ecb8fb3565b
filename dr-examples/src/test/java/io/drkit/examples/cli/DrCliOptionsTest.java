package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.drkit.core.model.PvcRef;
import io.drkit.core.plan.RestorePlan;
import io.drkit.examples.options.DrOption;
import io.drkit.examples.options.DrOptions;
import io.drkit.examples.options.OptionDocs;
import io.drkit.examples.options.Surface;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dr} reads the options table: its help, flags and {@code DRKIT_*} keys, with flags winning. */
class DrCliOptionsTest {
    @TempDir
    static Path store;

    @BeforeAll
    static void writeStore() {
        ExampleStore.writeDirectory(store);
    }

    private static CliHarness cli(Map<String, String> env) {
        return new CliHarness(env, () -> {
            throw new io.drkit.core.UnavailableException("no cluster in this test");
        });
    }

    /** Every command that takes options of the table, as the words that name it, with the options it takes. */
    private static Map<List<String>, List<DrOption<?>>> commands() {
        CliContext ctx = new CliContext(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Map.of(), () -> null, false,
                Clock.systemUTC());
        CommandLine root = DrCli.commandLine(ctx, ctx.out(), ctx.err()); // no arguments: the whole tree
        Map<List<String>, List<DrOption<?>>> found = new java.util.LinkedHashMap<>();
        collect(root, new ArrayList<>(), found);
        return found;
    }

    private static void collect(CommandLine c, List<String> words, Map<List<String>, List<DrOption<?>>> found) {
        List<DrOption<?>> options = new ArrayList<>();
        if (c.getCommand() instanceof CliOptions.Takes t) {
            options.addAll(t.tableOptions());
        }
        c.getCommandSpec().mixins().values().forEach(m -> {
            if (m.userObject() instanceof CliOptions.Takes t) {
                options.addAll(t.tableOptions());
            }
        });
        if (!options.isEmpty()) {
            found.put(List.copyOf(words), options);
        }
        c.getSubcommands().forEach((name, sub) -> {
            List<String> w = new ArrayList<>(words);
            w.add(name);
            collect(sub, w, found);
        });
    }

    @Test
    void everyCommandsHelpPrintsTheTablesDefaultAndKeyOfEachOfItsOptions() {
        Map<List<String>, List<DrOption<?>>> commands = commands();
        assertThat(commands.keySet()).contains(List.of("plan"), List.of("restore"), List.of("apply"), List.of("volumes"),
                List.of("verify"), List.of("policy", "apply"));
        List<DrOption<?>> seen = new ArrayList<>(List.of(DrOptions.CONNECT_TIMEOUT));
        commands.forEach((words, options) -> {
            List<String> args = new ArrayList<>(words);
            args.add("--help");
            CliHarness.Result r = cli(Map.of()).run(args.toArray(String[]::new));
            String help = r.out().replaceAll("\\s+", ""); // picocli wraps long words too
            options.add(DrOptions.CONNECT_TIMEOUT);
            for (DrOption<?> o : options) {
                String flag = o.flag().orElseThrow();
                String described = OptionDocs.cliHelp(o);
                assertThat(help).as(words + " " + flag).contains(flag + (o.paramLabel().isEmpty() ? "" : "=" + o.paramLabel()))
                        .contains(described.replaceAll("\\s+", ""));
                o.defaultText(Surface.CLI).ifPresent(d -> assertThat(described).endsWith("Default: " + d + "."
                        + o.key().map(k -> " Environment: " + k + ".").orElse("")));
                seen.add(o);
            }
        });
        assertThat(seen).as("every option of dr is on a command").containsAll(DrOptions.readOn(Surface.CLI));
    }

    @Test
    void thePlanIsTheSameFromFlagsAndFromTheirKeys() {
        CliHarness.Result flags = cli(Map.of()).run("plan", "--backupstore", store.toString(), "--offline",
                "--group", "critical", "--volume-name", "restored-{pvc}", "--max-age", "30d", "-o", "json");
        CliHarness.Result keys = cli(Map.of("DRKIT_BACKUPSTORE", store.toString(), "DRKIT_GROUPS", "critical",
                "DRKIT_VOLUME_NAME", "restored-{pvc}", "DRKIT_MAX_AGE", "30d")).run("plan", "--offline", "-o", "json");

        assertThat(flags.exitCode()).as(flags.toString()).isZero();
        assertThat(keys.exitCode()).as(keys.toString()).isZero();
        assertThat(keys.out()).isEqualTo(flags.out());
        RestorePlan plan = RestorePlan.fromJson(keys.out());
        assertThat(plan.steps()).extracting(s -> s.pvc().toString()).containsExactly("immich/library", "karakeep/data-pvc");
        assertThat(plan.steps()).allMatch(s -> s.volumeName().startsWith("restored-"));
    }

    @Test
    void aFlagWinsOverItsKeyAndSelectionFlagsReplaceTheSelectionKeys() {
        CliHarness.Result r = cli(Map.of("DRKIT_BACKUPSTORE", store.toString(), "DRKIT_GROUPS", "critical",
                "DRKIT_VOLUME_NAME", "from-key-{pvc}"))
                .run("plan", "--offline", "--pvc", "karakeep/data-pvc", "--volume-name", "from-flag-{pvc}", "-o", "json");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        RestorePlan plan = RestorePlan.fromJson(r.out());
        assertThat(plan.steps()).singleElement().satisfies(s -> {
            assertThat(s.pvc()).isEqualTo(PvcRef.parse("karakeep/data-pvc"));
            assertThat(s.volumeName()).startsWith("from-flag-");
        });
    }

    @Test
    void aMalformedValueIsExitTwoNamingTheFlagOrTheKeyItCameFrom() {
        CliHarness.Result key = cli(Map.of("DRKIT_MAX_AGE", "soon"))
                .run("plan", "--backupstore", store.toString(), "--offline", "--all");
        CliHarness.Result flag = cli(Map.of())
                .run("plan", "--backupstore", store.toString(), "--offline", "--all", "--max-age", "soon");
        CliHarness.Result unused = cli(Map.of("DRKIT_PARALLELISM", "many"))
                .run("plan", "--backupstore", store.toString(), "--offline", "--all", "-o", "json");

        assertThat(key.exitCode()).as(key.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(key.err()).contains("DRKIT_MAX_AGE: 'soon' is not a duration");
        assertThat(flag.exitCode()).as(flag.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(flag.err()).contains("--max-age: 'soon' is not a duration");
        assertThat(unused.exitCode()).as("plan does not read DRKIT_PARALLELISM: " + unused).isZero();
    }
}
