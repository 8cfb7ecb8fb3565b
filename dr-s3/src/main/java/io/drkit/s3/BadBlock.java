package io.drkit.s3;

import java.util.List;
import java.util.Objects;

/**
 * A missing or corrupt block as verification reports it for one backup, with its blast radius: because Longhorn
 * deduplicates blocks per volume, one bad block breaks every backup that references it.
 *
 * @param checksum          the block's checksum (its name)
 * @param key               its object key
 * @param problem           what is wrong
 * @param detail            the decoder's or the store's words for it
 * @param offsets           every offset at which this backup uses the block
 * @param alsoReferencedBy  the other complete backups of the volume that reference it, by name (newest first)
 */
public record BadBlock(String checksum, String key, BlockProblem problem, String detail, List<Long> offsets,
                       List<String> alsoReferencedBy) {

    /** Validates and copies. */
    public BadBlock {
        Objects.requireNonNull(checksum, "checksum");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(problem, "problem");
        detail = detail == null ? "" : detail;
        offsets = List.copyOf(offsets);
        alsoReferencedBy = List.copyOf(alsoReferencedBy);
    }
}
