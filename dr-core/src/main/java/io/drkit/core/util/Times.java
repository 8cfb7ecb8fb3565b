package io.drkit.core.util;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Parses the time formats Longhorn writes (RFC 3339, and Go's {@code time.String()}) into {@link Instant}s, and formats RFC 3339. */
public final class Times {
    /** Go's {@code time.Time.String()} form, e.g. {@code 2025-01-02 03:04:05.123 +0000 UTC}. */
    private static final DateTimeFormatter GO_STRING = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true)
            .appendPattern(" Z z").toFormatter(java.util.Locale.ROOT);

    private Times() {
    }

    /**
     * Parses an RFC 3339 / ISO-8601 instant ({@code 2025-03-01T00:00:07Z}, with or without fraction or offset)
     * or Go's {@code time.String()} form ({@code 2025-01-02 03:04:05.123 +0000 UTC}, monotonic suffix allowed). Returns empty for null or blank input.
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
            // Go appends the monotonic clock reading (" m=+0.000123") when printing time.Now() values
            return Optional.of(ZonedDateTime.parse(t.replaceAll(" m=[+-][0-9.]+$", ""), GO_STRING).toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a timestamp: '" + text + "'", e);
        }
    }

    /** Formats like Go's {@code time.Format(time.RFC3339)} on a UTC time: second precision, {@code Z}. */
    public static String rfc3339(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }

    /** A duration for people, to the minute: {@code 3d 4h}, {@code 5h 12m}, {@code 42m} (negative counts as zero). */
    public static String human(java.time.Duration d) {
        long m = Math.max(0, d.toMinutes());
        if (m >= 24 * 60) {
            return (m / (24 * 60)) + "d " + (m % (24 * 60)) / 60 + "h";
        }
        return m >= 60 ? (m / 60) + "h " + (m % 60) + "m" : m + "m";
    }
}
