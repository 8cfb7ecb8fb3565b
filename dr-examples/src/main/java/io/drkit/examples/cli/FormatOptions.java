package io.drkit.examples.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.Iterator;
import java.util.Map;
import picocli.CommandLine.Option;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * {@code -o table|json|jsonl|yaml}, {@code -q} and {@code -v}: shared by every command. Every document {@code dr}
 * prints (JSON, JSON lines or YAML) is in one envelope: {@code apiVersion} ({@value #API_VERSION}), then {@code kind},
 * then the fields of that kind.
 */
public final class FormatOptions {
    /** The {@code apiVersion} of every document {@code dr} prints. */
    public static final String API_VERSION = "drkit.io/v1";

    private static final ObjectMapper PLAIN = new ObjectMapper();

    /**
     * The YAML mapper, made on the first {@code -o yaml}: Jackson 3 and its YAML module are 450 classes that every
     * command would otherwise load when its options are built (dr volumes in a table loads none of them).
     */
    private static final class Yaml {
        static final YAMLMapper MAPPER = YAMLMapper.builder().disable(YAMLWriteFeature.WRITE_DOC_START_MARKER).build();

        private Yaml() {
        }
    }

    @Option(names = {"-o", "--format"}, paramLabel = "table|json|jsonl|yaml", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Option(names = {"-q", "--quiet"}, description = "No progress bars (they are drawn on a terminal only anyway) and "
            + "no warning log lines: what the command found is in its output.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Also log the warnings the command reports itself (each skipped "
            + "entry, each failed step), with their detail; --debug adds debug lines and stack traces.")
    boolean verbose;

    /** Whether the output is a document for programs ({@code json}, {@code jsonl} or {@code yaml}), not a table. */
    boolean json() {
        return format != OutputFormat.table;
    }

    /**
     * A JSON document made elsewhere (a plan, a report), in the envelope and rendered in this format, ending with a
     * line break.
     */
    String document(String json) {
        try {
            return document((ObjectNode) PLAIN.readTree(json));
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("the document is not a JSON object", e);
        }
    }

    /** Prints {@code document} (an object with its {@code kind}) in the envelope, in this format. */
    void print(PrintStream out, ObjectNode document) {
        out.print(document(document));
    }

    private String document(ObjectNode document) {
        ObjectNode envelope = PLAIN.createObjectNode();
        envelope.put("apiVersion", API_VERSION);
        envelope.set("kind", document.path("kind").isMissingNode() ? null : document.get("kind"));
        for (Iterator<Map.Entry<String, JsonNode>> it = document.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getKey().equals("apiVersion") && !f.getKey().equals("kind")) {
                envelope.set(f.getKey(), f.getValue());
            }
        }
        try {
            return switch (format) {
                case yaml -> Yaml.MAPPER.writeValueAsString(PLAIN.convertValue(envelope, Object.class));
                case jsonl -> PLAIN.writeValueAsString(envelope) + "\n";
                default -> PLAIN.writerWithDefaultPrettyPrinter().writeValueAsString(envelope) + "\n";
            };
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the document", e);
        }
    }

    /** The mapper documents are built with (their nodes); {@link #print} renders them. */
    ObjectMapper mapper() {
        return PLAIN;
    }
}
