package io.drkit.examples.cli;

import io.drkit.core.InvalidInputException;
import io.drkit.examples.support.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses duration options ({@code 30s}, {@code 15m}, {@code 24h}, {@code 7d}, {@code 1h30m}, {@code PT24H}); see {@link Durations}. */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return parse(value);
        } catch (InvalidInputException e) {
            throw new TypeConversionException(e.getMessage()); // picocli names the option, and no exception class
        }
    }

    /** Parses {@code value}; throws {@link InvalidInputException} naming it when malformed. */
    public static Duration parse(String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
    }
}
