package io.drkit.longhorn.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Longhorn's value encodings once, at the boundary: byte counts as decimal strings, RFC 3339 times, Go's
 * {@code time.String()} times ({@code 2025-01-02 03:04:05.123 +0000 UTC}) and Go durations ({@code 5m0s}).
 */
public final class Values {
    private static final DateTimeFormatter GO_TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .appendPattern(" xx")
            .toFormatter(Locale.ROOT);
    private static final Pattern GO_TIME_ZONE_NAME = Pattern.compile("^(\\S+ \\S+ [+-]\\d{4})(?: \\S+)?$");
    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

    private Values() {
    }

    /**
     * A byte count Longhorn writes as a decimal string ({@code "1073741824"}); blank means 0.
     *
     * @throws IllegalArgumentException when the text is not a non-negative integer
     */
    public static long bytes(String s) {
        if (s == null || s.isBlank()) {
            return 0;
        }
        try {
            long v = Long.parseLong(s.trim());
            if (v < 0) {
                throw new IllegalArgumentException("negative byte count '" + s + "'");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a byte count: '" + s + "'", e);
        }
    }

    /**
     * A time in RFC 3339 or Go's {@code time.String()} format; blank means empty. Go's monotonic-clock suffix
     * ({@code m=+0.1}) is ignored.
     *
     * @throws IllegalArgumentException when the text is in neither format
     */
    public static Optional<Instant> time(String s) {
        if (s == null || s.isBlank()) {
            return Optional.empty();
        }
        String t = s.trim();
        int mono = t.indexOf(" m=");
        if (mono > 0) {
            t = t.substring(0, mono);
        }
        try {
            return Optional.of(OffsetDateTime.parse(t).toInstant());
        } catch (DateTimeParseException e) {
            // try Go's format next
        }
        Matcher m = GO_TIME_ZONE_NAME.matcher(t);
        if (m.matches()) {
            try {
                return Optional.of(OffsetDateTime.parse(m.group(1), GO_TIME).toInstant());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a time: '" + s + "'", e);
            }
        }
        throw new IllegalArgumentException("not a time: '" + s + "'");
    }

    /**
     * A Go duration ({@code 5m0s}, {@code 300s}, {@code 1h30m}) or a plain number of seconds ({@code "300"}, what
     * Longhorn takes as input); blank means empty.
     *
     * @throws IllegalArgumentException when the text is neither
     */
    public static Optional<Duration> goDuration(String s) {
        if (s == null || s.isBlank()) {
            return Optional.empty();
        }
        String t = s.trim();
        if (t.matches("\\d+")) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(t)));
        }
        Matcher m = GO_DURATION_PART.matcher(t);
        int pos = 0;
        double nanos = 0;
        while (m.find()) {
            if (m.start() != pos) {
                throw new IllegalArgumentException("not a Go duration: '" + s + "'");
            }
            double v = Double.parseDouble(m.group(1));
            nanos += v * switch (m.group(2)) {
                case "ns" -> 1d;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            pos = m.end();
        }
        if (pos != t.length() || pos == 0) {
            throw new IllegalArgumentException("not a Go duration: '" + s + "'");
        }
        return Optional.of(Duration.ofNanos((long) nanos));
    }
}
