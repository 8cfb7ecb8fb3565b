package io.drkit.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The one bounded JSON reading configuration: how large, deep, long and numerous the parts of a JSON document from
 * outside may be before it is refused, for every kind of document drkit reads (backupstore cfgs, plan files, Longhorn
 * API bodies). Each document kind has a named preset; readers build their Jackson factory or mapper from it, and a
 * document over a bound fails with an error that names the bound (see {@link #describe(StreamConstraintsException)}),
 * typed by the reader for its context (bad store data, bad input, bad backend answer), never as "unavailable".
 *
 * <p>Bounds that only a reader can check (labels per cfg, steps per plan, items per list) are fields here too, so the
 * numbers live in one place and the module READMEs document them from here.
 *
 * @param name             the preset's name, used in messages ({@code "backupstore cfg"})
 * @param maxDocumentBytes longest document in bytes ({@code -1}: unbounded, for documents that are streamed and never
 *                         held, such as a backup cfg's {@code Blocks} list)
 * @param maxDepth         deepest nesting of objects and arrays
 * @param maxNumberLength  most characters in one number
 * @param maxStringLength  most characters in one string value
 * @param maxNameLength    most characters in one field name
 * @param maxEntries       most entries in one map-valued field (labels, parameters) or items in one list read into
 *                         memory (plan steps, API list items)
 * @param maxEntryBytes    most characters of all keys and values of one map-valued field together, and most characters
 *                         (or bytes) of one item read on its own from a streamed document ({@link #readItem}): a plan
 *                         step, a Longhorn API list item
 */
public record JsonLimits(String name, long maxDocumentBytes, int maxDepth, int maxNumberLength, int maxStringLength,
                         int maxNameLength, int maxEntries, long maxEntryBytes) {

    /**
     * A Longhorn {@code volume.cfg} or {@code backup_<name>.cfg}: streamed (the {@code Blocks} list of a large volume
     * runs to hundreds of MB and is never held), Longhorn nests 3 deep and writes int64 numbers; labels are Kubernetes
     * labels plus the {@code KubernetesStatus} JSON (a few KiB).
     */
    public static final JsonLimits BACKUPSTORE_CFG = new JsonLimits("backupstore cfg", -1, 32, 32, 1 << 20, 1024,
            1024, 1L << 20);

    /** A restore plan file ({@code dr apply PLAN.json}): read whole, so bounded in size and steps. */
    public static final JsonLimits PLAN = new JsonLimits("restore plan", 64L << 20, 32, 32, 1 << 20, 1024, 10_000,
            1L << 20);

    /**
     * A Longhorn manager REST API answer: list bodies are streamed item by item; one item (a volume, a backup) is at
     * most 1 MiB (real ones are a few KiB), a list at most 100,000 items and 64 MiB (a thousand backup volumes are
     * about 2 MiB), so what a list holds once parsed stays far below a 256 MiB heap.
     */
    public static final JsonLimits LONGHORN_API = new JsonLimits("Longhorn API response", 64L << 20, 64, 32, 1 << 20,
            1024, 100_000, 1L << 20);

    /** Validates. */
    public JsonLimits {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        if (maxDepth < 1 || maxNumberLength < 1 || maxStringLength < 1 || maxNameLength < 1 || maxEntries < 1
                || maxEntryBytes < 1 || maxDocumentBytes == 0 || maxDocumentBytes < -1) {
            throw new IllegalArgumentException("JSON limits must be positive (maxDocumentBytes -1 for unbounded)");
        }
    }

    /** Jackson's read constraints for these limits. */
    public StreamReadConstraints constraints() {
        return StreamReadConstraints.builder()
                .maxDocumentLength(maxDocumentBytes)
                .maxNestingDepth(maxDepth)
                .maxNumberLength(maxNumberLength)
                .maxStringLength(maxStringLength)
                .maxNameLength(maxNameLength)
                .build();
    }

    /** A new streaming factory that enforces these limits (factories are thread-safe: build one and share it). */
    public JsonFactory factory() {
        return JsonFactory.builder().streamReadConstraints(constraints()).build();
    }

    /** A new mapper that enforces these limits and ignores unknown fields (thread-safe: build one and share it). */
    public ObjectMapper mapper() {
        return JsonMapper.builder(factory()).disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }

    /**
     * A message for a document that broke one of Jackson's bounds, naming this preset and the bound, e.g.
     * {@code "backupstore cfg exceeds a limit: Number value length (1200) exceeds the maximum allowed (32)"}.
     */
    public String describe(StreamConstraintsException e) {
        return name + " exceeds a limit: " + e.getOriginalMessage();
    }

    /**
     * Reads the value at the parser's current token (an item of a streamed list, or one field of a document) as a
     * tree, refusing it as soon as it spans more than {@link #maxEntryBytes()} characters of input, so one hostile item
     * costs at most that much memory, whatever the document's size. The parser's own bounds (nesting, string and number
     * lengths, document size) hold as well.
     *
     * @param what names the item in the error ({@code "steps[3]"})
     * @throws StreamConstraintsException naming this preset and the bound; {@link #describe} makes it a message
     * @throws IOException                when the input cannot be read or is not JSON
     */
    public JsonNode readItem(JsonParser p, String what) throws IOException {
        long start = offset(p.currentTokenLocation());
        return item(p, what, start);
    }

    private JsonNode item(JsonParser p, String what, long start) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new JsonParseException(p, "unexpected end of input in " + what);
        }
        switch (t) {
            case START_OBJECT -> {
                ObjectNode o = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    checkItemSize(p, what, start);
                    o.set(name, item(p, what, start));
                }
                return o;
            }
            case START_ARRAY -> {
                ArrayNode a = f.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    checkItemSize(p, what, start);
                    a.add(item(p, what, start));
                }
                return a;
            }
            case VALUE_STRING -> {
                return f.textNode(p.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> f.numberNode(p.getIntValue());
                    case LONG -> f.numberNode(p.getLongValue());
                    default -> f.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return f.numberNode(p.getDoubleValue());
            }
            case VALUE_TRUE -> {
                return f.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return f.booleanNode(false);
            }
            case VALUE_NULL -> {
                return f.nullNode();
            }
            default -> throw new JsonParseException(p, "unexpected " + t + " in " + what);
        }
    }

    private void checkItemSize(JsonParser p, String what, long start) throws StreamConstraintsException {
        long now = offset(p.currentLocation());
        if (start >= 0 && now >= 0 && now - start > maxEntryBytes) {
            throw new StreamConstraintsException(what + " is larger than " + maxEntryBytes + " characters (limit)");
        }
    }

    private static long offset(JsonLocation l) {
        return l == null ? -1 : Math.max(l.getByteOffset(), l.getCharOffset());
    }

    /** A message for a map-valued field or list that has more than {@link #maxEntries()} entries. */
    public String tooManyEntries(String field) {
        return name + " field " + field + " has more than " + maxEntries + " entries (limit)";
    }

    /** A message for a map-valued field whose keys and values together exceed {@link #maxEntryBytes()}. */
    public String entriesTooLarge(String field) {
        return name + " field " + field + " is larger than " + maxEntryBytes + " characters in all (limit)";
    }
}
