package io.drkit.examples.cli;

/**
 * How results are printed: {@code table} for people, {@code json} (stable, documented) for programs, {@code jsonl} the
 * same documents one per line.
 */
public enum OutputFormat {
    /** Aligned columns. */
    table,
    /** JSON documents, indented. */
    json,
    /** The same JSON documents, each on one line (for pod logs and log collectors: {@code jq -R 'fromjson?'}). */
    jsonl
}
