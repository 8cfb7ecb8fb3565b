package io.drkit.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The help pages of {@code dr}, recorded at build time ({@link HelpPageRecorder}, in {@code process-classes}) by running
 * the real command tree ({@link DrCli}) with each help request, and read back by {@link DrMain} without loading
 * picocli, the options table or logging. A page is what the CLI printed on standard output for exactly those
 * arguments, with the exit code it returned; {@code HelpPagesTest} checks every recorded page against the CLI again.
 *
 * <p>The resources, in {@value #DIRECTORY}: {@value #INDEX}, one line per request ({@code exit-code TAB page-file
 * [TAB argument]...}, lines starting with {@code #} are comments), and the page files (UTF-8 text). No index, no page,
 * an unreadable resource: no page, and {@code dr} runs the whole CLI, which prints the same text more slowly.
 *
 * <p>This class runs before anything else in {@code dr --help}: it avoids lambdas and string concatenation with
 * {@code +}, whose first use spins classes at run time (the {@code invokedynamic} bootstraps).
 */
final class HelpPages {
    /** Where the pages are, for the class loader. */
    static final String DIRECTORY = "io/drkit/examples/cli/help/";
    /** The index file's name in {@link #DIRECTORY}. */
    static final String INDEX = "index.tsv";

    private final ClassLoader loader;
    private final String directory;

    /**
     * One recorded answer of the CLI.
     *
     * @param exitCode what the CLI returned
     * @param text     what it printed on standard output
     */
    record Page(int exitCode, String text) {
    }

    /** The pages under {@code directory} (ending with {@code /}) of {@code loader}. */
    HelpPages(ClassLoader loader, String directory) {
        this.loader = loader;
        this.directory = directory;
    }

    /** The pages the build put into dr.jar (or target/classes). */
    static HelpPages builtIn() {
        return new HelpPages(HelpPages.class.getClassLoader(), DIRECTORY);
    }

    /**
     * The page recorded for exactly {@code args}, or {@code null}: none recorded, the resources are missing or
     * unreadable, or the JVM could make the CLI print differently from the recording ({@link #replayable}).
     */
    Page find(String... args) {
        if (!replayable(System.getProperties(), System.lineSeparator())) {
            return null;
        }
        String index = read(INDEX);
        if (index == null) {
            return null;
        }
        int start = 0;
        while (start < index.length()) {
            int end = index.indexOf('\n', start);
            if (end < 0) {
                end = index.length();
            }
            String line = index.substring(start, end);
            start = end + 1;
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            String[] fields = line.split("\t", -1);
            if (fields.length >= 2 && matches(fields, args)) {
                String text = read(fields[1]);
                return text == null ? null : new Page(Integer.parseInt(fields[0]), text);
            }
        }
        return null;
    }

    /**
     * Whether a recording replays what the CLI would print in a JVM with these system properties and line separator:
     * the recorder used {@code \n}, and picocli reads system properties starting with {@code picocli.} (the usage
     * width, tracing) that change its output.
     */
    static boolean replayable(Properties properties, String lineSeparator) {
        if (!"\n".equals(lineSeparator)) {
            return false;
        }
        for (Object key : properties.keySet()) {
            if (key instanceof String s && s.startsWith("picocli.")) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(String[] fields, String[] args) {
        // fields: exit code, page file, then the arguments; "2<TAB>p0.txt" is the line of no arguments
        if (fields.length - 2 != args.length) {
            return false;
        }
        for (int i = 0; i < args.length; i++) {
            if (!fields[i + 2].equals(args[i])) {
                return false;
            }
        }
        return true;
    }

    /** A resource of the directory as UTF-8 text, or {@code null} when it is missing or cannot be read. */
    private String read(String name) {
        try (InputStream in = loader.getResourceAsStream(directory.concat(name))) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
