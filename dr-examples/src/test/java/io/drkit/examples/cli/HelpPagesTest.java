package io.drkit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The help pages {@link DrMain} prints without building the command tree ({@link HelpPages}, recorded by the build's
 * {@link HelpPageRecorder} into target/classes) cannot drift from the CLI: every recorded page is what {@link DrCli}
 * prints now for the same arguments, whatever the environment and terminal; every command's help is recorded; and
 * without a page (missing, unreadable, or a JVM that could print differently) the CLI runs.
 */
class HelpPagesTest {
    @Test
    void everyRecordedPageIsWhatTheCliPrintsForTheSameArguments() throws Exception {
        List<List<String>> recorded = recordedRequests();
        assertThat(recorded).hasSizeGreaterThan(20);

        for (List<String> request : recorded) {
            String[] args = request.toArray(String[]::new);
            HelpPages.Page page = HelpPages.builtIn().find(args);
            assertThat(page).as("dr " + request).isNotNull();
            // the environment and the terminal do not change help: no option shows an environment value, no colours
            for (boolean terminal : new boolean[] {false, true}) {
                Map<String, String> env = terminal
                        ? Map.of("DRKIT_CONNECT_TIMEOUT", "9s", "DRKIT_BACKUPSTORE", "/elsewhere", "COLUMNS", "200")
                        : Map.of();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int code = DrCli.run(new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8), env, () -> {
                            throw new IllegalStateException("no cluster");
                        }, terminal, Clock.systemUTC()), args);

                assertThat(out.toString(StandardCharsets.UTF_8)).as("dr " + request).isEqualTo(page.text());
                assertThat(code).as("dr " + request).isEqualTo(page.exitCode());
                assertThat(err.size()).as("dr " + request).isZero();
            }
        }
    }

    @Test
    void theHelpOfTheRootAndOfEveryCommandIsRecorded() throws Exception {
        List<List<String>> recorded = recordedRequests();
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true);
        CommandLine root = DrCli.commandLine(CliHarness.offline().context(), nowhere, nowhere);

        assertThat(recorded).contains(List.of(), List.of("--help"), List.of("-h"), List.of("help"),
                List.of("--version"), List.of("-V"));
        List<List<String>> paths = HelpPageRecorder.commandPaths(root, List.of());
        assertThat(paths).contains(List.of("volumes"), List.of("backups"), List.of("policy", "apply"));
        for (List<String> path : paths) {
            List<String> help = new ArrayList<>(List.of("help"));
            help.addAll(path);
            List<String> flag = new ArrayList<>(path);
            flag.add("--help");
            assertThat(recorded).as("dr " + path).contains(flag);
            if (path.size() == 1) { // picocli's help command looks up direct subcommands only
                assertThat(recorded).as("dr " + path).contains(help);
            }
        }
        assertThat(HelpPages.builtIn().find("--help").text()).startsWith("Usage: dr ").contains("volumes", "restore");
        assertThat(HelpPages.builtIn().find().exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(HelpPages.builtIn().find("volumes", "--backupstore", "/x")).isNull();
        assertThat(HelpPages.builtIn().find("--help", "--debug")).isNull();
    }

    @Test
    void helpIsPlainTextOnEveryCommandEvenOnATerminal() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true);
        CommandLine root = DrCli.commandLine(CliHarness.offline().context(), nowhere, nowhere);

        List<CommandLine> all = new ArrayList<>(List.of(root));
        for (int i = 0; i < all.size(); i++) {
            all.addAll(all.get(i).getSubcommands().values());
        }
        assertThat(all).hasSizeGreaterThan(10)
                .allSatisfy(c -> assertThat(c.getColorScheme().ansi()).isEqualTo(CommandLine.Help.Ansi.OFF));
    }

    @Test
    void printsTheMatchingPageByteForByteWithItsExitCode(@TempDir Path dir) throws Exception {
        Path pages = Files.createDirectories(dir.resolve("pages"));
        Files.writeString(pages.resolve(HelpPages.INDEX), "# comment\n2\tp0.txt\n0\tp0.txt\t--help\n"
                + "0\tp1.txt\tvolumes\t--help\n", StandardCharsets.UTF_8);
        Files.writeString(pages.resolve("p0.txt"), "Usage: dr\nCaf\u00e9 \u2014 root\n", StandardCharsets.UTF_8);
        Files.writeString(pages.resolve("p1.txt"), "Usage: dr volumes\n", StandardCharsets.UTF_8);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            HelpPages help = new HelpPages(loader, "pages/");
            ByteArrayOutputStream out = new ByteArrayOutputStream();

            assertThat(DrMain.printHelp(help, new PrintStream(out, true, StandardCharsets.UTF_8), "--help")).isZero();
            assertThat(out.toByteArray()).isEqualTo(Files.readAllBytes(pages.resolve("p0.txt")));
            assertThat(help.find().exitCode()).isEqualTo(2);
            assertThat(help.find("volumes", "--help").text()).isEqualTo("Usage: dr volumes\n");
            assertThat(help.find("volumes")).isNull();
            assertThat(help.find("--help", "volumes")).isNull();
            assertThat(help.find("-h")).isNull();
        }
    }

    @Test
    void withoutItsPageARequestIsLeftToTheCli(@TempDir Path dir) throws Exception {
        Path pages = Files.createDirectories(dir.resolve("pages"));
        Files.writeString(pages.resolve(HelpPages.INDEX), "0\tp7.txt\t--help\n", StandardCharsets.UTF_8);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

            // an index naming a page that is not there, then no index at all
            assertThat(DrMain.printHelp(new HelpPages(loader, "pages/"), print, "--help")).isEqualTo(-1);
            assertThat(DrMain.printHelp(new HelpPages(loader, "none/"), print, "--help")).isEqualTo(-1);
            assertThat(DrMain.printHelp(new HelpPages(getClass().getClassLoader(), "io/drkit/none/"), print))
                    .isEqualTo(-1);
            assertThat(out.size()).isZero();
        }
    }

    @Test
    void aJvmThatCouldPrintDifferentlyGetsNoPage() {
        Properties plain = new Properties();
        plain.setProperty("java.version", "17");
        Properties width = new Properties();
        width.setProperty("picocli.usage.width", "120");

        assertThat(HelpPages.replayable(plain, "\n")).isTrue();
        assertThat(HelpPages.replayable(width, "\n")).isFalse();
        assertThat(HelpPages.replayable(plain, "\r\n")).isFalse();
    }

    /** The argument lists of the index the build recorded into target/classes. */
    private static List<List<String>> recordedRequests() throws Exception {
        URL index = HelpPagesTest.class.getClassLoader().getResource(HelpPages.DIRECTORY + HelpPages.INDEX);
        assertThat(index).as("the help pages of the build (process-classes)").isNotNull();
        List<List<String>> requests = new ArrayList<>();
        try (var in = index.openStream()) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    String[] f = line.split("\t", -1);
                    requests.add(List.of(Arrays.copyOfRange(f, 2, f.length)));
                }
            }
        }
        return requests;
    }
}
