package io.drkit.examples.cli;

/**
 * How results are printed: {@code table} for people; {@code json} (stable, documented), {@code jsonl} and {@code yaml}
 * for programs, the same documents in one envelope ({@link FormatOptions#API_VERSION}, {@code kind}).
 */
public enum OutputFormat {
    /** Aligned columns. */
    table,
    /** JSON documents, indented. */
    json,
    /** The same JSON documents, each on one line (for pod logs and log collectors: {@code jq -R 'fromjson?'}). */
    jsonl,
    /** The same documents as YAML (block style, as {@code kubectl -o yaml}). */
    yaml
}
