package io.drkit.examples.cli;

import picocli.CommandLine.Option;

/** {@code -o table|json} and {@code -q}: shared by every command. */
public final class FormatOptions {
    @Option(names = {"-o", "--format"}, paramLabel = "table|json", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Option(names = {"-q", "--quiet"}, description = "No progress bars (they are drawn on a terminal only anyway).")
    boolean quiet;

    boolean json() {
        return format == OutputFormat.json;
    }
}
