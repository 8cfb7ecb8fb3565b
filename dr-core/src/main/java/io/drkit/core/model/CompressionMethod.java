package io.drkit.core.model;

import java.util.Locale;
import java.util.Optional;

/** How the blocks of a backup are compressed in the store ({@code CompressionMethod} in the cfg files). */
public enum CompressionMethod {
    /** Raw blocks. */
    NONE("none"),
    /** gzip members; Longhorn's default before 1.5 and whenever the field is missing. */
    GZIP("gzip"),
    /** LZ4 frames; Longhorn's default since 1.5. */
    LZ4("lz4");

    private final String wireName;

    CompressionMethod(String wireName) {
        this.wireName = wireName;
    }

    /** The name Longhorn writes: {@code none}, {@code gzip} or {@code lz4}. */
    public String wireName() {
        return wireName;
    }

    /** Parses Longhorn's spelling, case-insensitively; empty for unknown names. */
    public static Optional<CompressionMethod> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        String t = s.trim().toLowerCase(Locale.ROOT);
        for (CompressionMethod m : values()) {
            if (m.wireName.equals(t)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /**
     * Parses like Longhorn's loaders: missing or empty means {@link #GZIP}.
     *
     * @throws IllegalArgumentException for a name Longhorn does not know
     */
    public static CompressionMethod fromLonghorn(String s) {
        if (s == null || s.isBlank()) {
            return GZIP;
        }
        return parse(s).orElseThrow(() -> new IllegalArgumentException("unknown compression method '" + s + "'"));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
