package io.drkit.longhorn.internal;

import io.drkit.core.catalog.SkippedEntry;
import java.util.List;

/**
 * Items parsed from a Longhorn collection, and the entries left out because they were malformed.
 *
 * @param items   the parsed items, in Longhorn's order
 * @param skipped the entries that could not be parsed
 * @param <T>     the item type
 */
public record Parsed<T>(List<T> items, List<SkippedEntry> skipped) {
    /** Copies. */
    public Parsed {
        items = List.copyOf(items);
        skipped = List.copyOf(skipped);
    }
}
