package io.drkit.examples.cli;

/** How results are printed: {@code table} for people, {@code json} (stable, documented) for programs. */
public enum OutputFormat {
    /** Aligned columns. */
    table,
    /** JSON documents. */
    json
}
