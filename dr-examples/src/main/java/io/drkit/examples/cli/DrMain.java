package io.drkit.examples.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Entry point of {@code java -jar dr.jar}: a help request ({@code dr}, {@code dr --help}, {@code dr help},
 * {@code dr <command> --help}, {@code dr help <command>}, {@code dr --version} and the short forms) prints the page
 * recorded at build time from the real CLI ({@link HelpPages}) without building the command tree; everything else,
 * and any request without a recorded page, runs {@link DrCli}. Help then starts in a fraction of the time: no picocli,
 * no options table, no logging set-up.
 */
public final class DrMain {
    private DrMain() {
    }

    /** Entry point. */
    public static void main(String... args) {
        int code = printHelp(HelpPages.builtIn(), System.out, args);
        if (code < 0) {
            DrCli.main(args);
            return;
        }
        System.exit(code);
    }

    /**
     * Prints the page {@code pages} recorded for {@code args} on {@code out}; returns the CLI's exit code for it, or -1
     * (nothing printed) when there is no page: then the CLI must run.
     */
    static int printHelp(HelpPages pages, PrintStream out, String... args) {
        HelpPages.Page page = pages.find(args);
        if (page == null) {
            return -1;
        }
        byte[] bytes = page.text().getBytes(StandardCharsets.UTF_8);
        out.write(bytes, 0, bytes.length);
        out.flush();
        return page.exitCode();
    }
}
