package io.drkit.examples.cli;

import io.drkit.examples.support.Trees;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * The build step that records {@code dr}'s help pages ({@link HelpPages}): runs the real CLI ({@link DrCli#run}) with
 * every help request of its command tree and writes what it printed, for {@link DrMain} to print without building the
 * tree. Run by the build in {@code process-classes}: {@code HelpPageRecorder <classes directory>}. A request is kept
 * only when the CLI answered it with text on standard output, nothing on standard error, and exit code 0 or 2 (usage):
 * anything else is left to the CLI at run time.
 */
public final class HelpPageRecorder {
    private HelpPageRecorder() {
    }

    /**
     * One recorded request.
     *
     * @param args     the arguments
     * @param exitCode what the CLI returned
     * @param text     what it printed on standard output
     */
    record Recording(List<String> args, int exitCode, String text) {
    }

    /** Entry point: writes the pages under the classes directory named by the first argument. */
    public static void main(String... args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: HelpPageRecorder <classes directory>");
        }
        Path dir = Path.of(args[0]).resolve(HelpPages.DIRECTORY);
        int pages = write(dir, record());
        System.out.println("dr help pages: " + pages + " in " + dir);
    }

    /** The help requests of the CLI's command tree: root forms, then each command's, depth first. */
    static List<List<String>> requests() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true);
        CommandLine root = DrCli.commandLine(context(nowhere, nowhere), nowhere, nowhere);
        List<List<String>> requests = new ArrayList<>(List.of(List.of(), List.of("--help"), List.of("-h"),
                List.of("help"), List.of("--version"), List.of("-V")));
        for (List<String> path : commandPaths(root, List.of())) {
            requests.add(append(path, "--help"));
            requests.add(append(path, "-h"));
            List<String> help = new ArrayList<>(List.of("help"));
            help.addAll(path);
            requests.add(List.copyOf(help));
        }
        return requests;
    }

    /** Every command below {@code command} as its path of names (aliases left out), depth first. */
    static List<List<String>> commandPaths(CommandLine command, List<String> path) {
        List<List<String>> paths = new ArrayList<>();
        Set<CommandLine> seen = new LinkedHashSet<>(command.getSubcommands().values());
        for (CommandLine sub : seen) {
            List<String> p = append(path, sub.getCommandName());
            paths.add(p);
            paths.addAll(commandPaths(sub, p));
        }
        return paths;
    }

    /** Runs the CLI with each request; the answers that are help pages. */
    static List<Recording> record() {
        List<Recording> recordings = new ArrayList<>();
        for (List<String> request : requests()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = DrCli.run(context(new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8)), request.toArray(String[]::new));
            if (out.size() > 0 && err.size() == 0 && (code == ExitCodes.OK || code == ExitCodes.USAGE)) {
                recordings.add(new Recording(request, code, out.toString(StandardCharsets.UTF_8)));
            }
        }
        return recordings;
    }

    /**
     * Replaces the pages in {@code dir} with {@code recordings} (each distinct text once); returns how many requests
     * were written. Writes none when this JVM's line separator is not {@code \n} (pages are replayed only where it is).
     */
    static int write(Path dir, List<Recording> recordings) throws IOException {
        if (Files.exists(dir)) {
            Trees.delete(dir);
        }
        Files.createDirectories(dir);
        if (!"\n".equals(System.lineSeparator())) {
            return 0;
        }
        Map<String, String> files = new LinkedHashMap<>();
        StringBuilder index = new StringBuilder("# dr help pages, recorded from the CLI by HelpPageRecorder at build "
                + "time: exit code, page file, arguments (tab-separated)\n");
        for (Recording r : recordings) {
            String file = files.computeIfAbsent(r.text(), t -> "p" + files.size() + ".txt");
            index.append(r.exitCode()).append('\t').append(file);
            r.args().forEach(a -> index.append('\t').append(a));
            index.append('\n');
        }
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getValue()), f.getKey(), StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve(HelpPages.INDEX), index, StandardCharsets.UTF_8);
        return recordings.size();
    }

    private static CliContext context(PrintStream out, PrintStream err) {
        return new CliContext(out, err, Map.of(), () -> {
            throw new IllegalStateException("no cluster when recording help pages");
        }, false, Clock.systemUTC());
    }

    private static List<String> append(List<String> path, String arg) {
        List<String> p = new ArrayList<>(path);
        p.add(arg);
        return List.copyOf(p);
    }
}
