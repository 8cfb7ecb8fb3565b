package io.drkit.examples.cli;

import io.drkit.examples.options.Parsers;
import java.time.Instant;
import picocli.CommandLine.ITypeConverter;

/** Parses ISO-8601 / RFC 3339 instants for options like {@code --as-of 2026-09-20T18:13:20Z}, as the options table does. */
public final class InstantConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
        return Parsers.instant(value);
    }
}
