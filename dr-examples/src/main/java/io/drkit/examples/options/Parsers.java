package io.drkit.examples.options;

import io.drkit.core.InvalidInputException;
import io.drkit.core.model.BackupTarget;
import io.drkit.core.util.Times;
import io.drkit.examples.options.DrOption.Parser;
import io.drkit.examples.support.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The value types of the options table: each turns a text into a value or throws with a message that says what is
 * wrong; {@link OptionValues} puts the flag or key in front.
 */
public final class Parsers {
    private Parsers() {
    }

    /** The text, trimmed. */
    static Parser<String> text() {
        return String::trim;
    }

    /** A backup target URL ({@code s3://bucket@region/path/}, {@code nfs://...}) or a local directory, kept as text. */
    static Parser<String> backupTarget() {
        return v -> {
            BackupTarget.parse(v.trim());
            return v.trim();
        };
    }

    /** A whole number in {@code min..max}. */
    static Parser<Integer> integer(int min, int max) {
        return v -> {
            int n;
            try {
                n = Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new InvalidInputException("'" + v + "' is not a whole number", e);
            }
            if (n < min || n > max) {
                throw new InvalidInputException(n + " is out of range " + min + ".." + max);
            }
            return n;
        };
    }

    /** A decimal number. */
    static Parser<Double> decimal() {
        return v -> {
            try {
                return Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new InvalidInputException("'" + v + "' is not a number", e);
            }
        };
    }

    /** A decimal number from {@code min} (included when {@code minIncluded}) to {@code max} (included). */
    static Parser<Double> decimal(double min, boolean minIncluded, double max) {
        Parser<Double> any = decimal();
        return v -> {
            double d = any.parse(v);
            if (!(minIncluded ? d >= min : d > min) || !(d <= max)) {
                throw new InvalidInputException(v.trim() + " is out of range " + (minIncluded ? "[" : "(")
                        + fmt(min) + ", " + fmt(max) + "]");
            }
            return d;
        };
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    /** A duration ({@link Durations}) greater than zero. */
    static Parser<Duration> positiveDuration() {
        return v -> {
            Duration d = Durations.parse(v);
            if (d.isZero() || d.isNegative()) {
                throw new InvalidInputException("must be a positive duration, got '" + v + "'");
            }
            return d;
        };
    }

    /** A duration to wait: zero (check once) or more. */
    static Parser<Duration> waitDuration() {
        return v -> {
            Duration d = Durations.parse(v);
            if (d.isNegative()) {
                throw new InvalidInputException("must not be negative, got '" + v + "'");
            }
            return d;
        };
    }

    /** A duration greater than zero and at most {@code max}. */
    static Parser<Duration> durationUpTo(Duration max) {
        return v -> {
            Duration d = Durations.parse(v);
            if (d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
                throw new InvalidInputException("must be positive and at most " + Durations.format(max) + ", not "
                        + Durations.format(d));
            }
            return d;
        };
    }

    /**
     * An ISO-8601 / RFC 3339 time, e.g. {@code 2026-09-20T18:13:20Z}.
     *
     * @throws InvalidInputException naming the text when it is not one
     */
    public static Instant instant(String v) {
        try {
            return Times.parse(v).orElseThrow(() -> new IllegalArgumentException("empty"));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("not a timestamp: '" + v + "' (use an ISO-8601 time such as "
                    + "2026-09-20T18:13:20Z)", e);
        }
    }

    /** One of {@code values}, by {@code name}, in any case; {@code aliases} map other words to values. */
    static <E extends Enum<E>> Parser<E> choice(E[] values, Function<E, String> name, Map<String, E> aliases) {
        return v -> {
            String t = v.trim().toLowerCase(Locale.ROOT);
            for (E e : values) {
                if (name.apply(e).toLowerCase(Locale.ROOT).equals(t)) {
                    return e;
                }
            }
            E alias = aliases.get(t);
            if (alias != null) {
                return alias;
            }
            throw new InvalidInputException("'" + v + "' is not one of "
                    + Arrays.stream(values).map(name).collect(Collectors.joining(", ")));
        };
    }
}
