package io.drkit.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Option;

/** {@code -o table|json|jsonl} and {@code -q}: shared by every command. */
public final class FormatOptions {
    @Option(names = {"-o", "--format"}, paramLabel = "table|json|jsonl", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Option(names = {"-q", "--quiet"}, description = "No progress bars (they are drawn on a terminal only anyway).")
    boolean quiet;

    boolean json() {
        return format == OutputFormat.json || format == OutputFormat.jsonl;
    }

    /**
     * A JSON document made elsewhere (a plan, a report), as this format prints it: unchanged for {@code json}, on one
     * line (with a line break) for {@code jsonl}.
     */
    String document(String json) {
        if (format != OutputFormat.jsonl) {
            return json;
        }
        try {
            ObjectMapper m = new ObjectMapper();
            return m.writeValueAsString(m.readTree(json)) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the document is not JSON", e);
        }
    }

    /** The mapper JSON output is written with: indented for {@code json}, one line per document for {@code jsonl}. */
    ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper();
        return format == OutputFormat.jsonl ? m : m.enable(SerializationFeature.INDENT_OUTPUT);
    }
}
