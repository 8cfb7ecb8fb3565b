package io.drkit.kubernetes.internal;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Longhorn's time encodings, parsed once at the boundary. */
public final class Times {
    /** Go's {@code time.Time.String()} form, e.g. {@code 2025-01-02 03:04:05.123 +0000 UTC}. */
    private static final DateTimeFormatter GO_STRING = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true)
            .appendPattern(" Z z").toFormatter(java.util.Locale.ROOT);

    private Times() {
    }

    /**
     * Parses RFC 3339 ({@code 2026-11-01T03:00:00Z}, with or without fraction or offset) or Go's
     * {@code time.String()} form; empty for blank text.
     *
     * @throws DateTimeParseException when the text is in neither form
     */
    public static Optional<Instant> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String t = text.trim();
        try {
            return Optional.of(Instant.parse(t));
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(OffsetDateTime.parse(t).toInstant());
            } catch (DateTimeParseException e2) {
                String s = t.replaceAll(" m=[+-][0-9.]+$", "");
                return Optional.of(ZonedDateTime.parse(s, GO_STRING).toInstant());
            }
        }
    }

    /** {@code t} in the form Kubernetes writes {@code metav1.Time}: RFC 3339 with seconds, UTC. */
    public static String rfc3339(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }
}
