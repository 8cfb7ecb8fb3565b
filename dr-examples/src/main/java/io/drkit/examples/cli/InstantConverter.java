package io.drkit.examples.cli;

import io.drkit.core.InvalidInputException;
import io.drkit.core.util.Times;
import java.time.Instant;
import picocli.CommandLine.ITypeConverter;

/** Parses ISO-8601 / RFC 3339 instants for options like {@code --as-of 2026-09-20T18:13:20Z}. */
public final class InstantConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
        try {
            return Times.parse(value).orElseThrow(() -> new InvalidInputException("empty time"));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("not an ISO-8601 time: '" + value + "' (use e.g. 2026-09-20T18:13:20Z)", e);
        }
    }
}
