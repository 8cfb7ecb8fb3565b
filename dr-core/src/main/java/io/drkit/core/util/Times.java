package io.drkit.core.util;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Parses the time formats Longhorn writes (RFC 3339, and Go's {@code time.String()}) into {@link Instant}s, and formats RFC 3339. */
public final class Times {
    private static final DateTimeFormatter GO_STRING =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSSSSS][.SSSSSS][.SSS] Z z");

    private Times() {
    }

    /**
     * Parses an RFC 3339 / ISO-8601 instant ({@code 2025-03-01T00:00:07Z}, with or without fraction or offset)
     * or Go's {@code 2025-01-02 03:04:05 +0000 UTC}. Returns empty for null or blank input.
     *
     * @throws IllegalArgumentException when the text is not blank and in no known format
     */
    public static Optional<Instant> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String t = text.trim();
        try {
            return Optional.of(Instant.parse(t));
        } catch (DateTimeParseException e) {
            // fall through
        }
        try {
            return Optional.of(OffsetDateTime.parse(t).toInstant());
        } catch (DateTimeParseException e) {
            // fall through
        }
        try {
            return Optional.of(ZonedDateTime.parse(t, GO_STRING).toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a timestamp: '" + text + "'", e);
        }
    }

    /** Formats like Go's {@code time.Format(time.RFC3339)} on a UTC time: second precision, {@code Z}. */
    public static String rfc3339(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }
}
