package io.drkit.s3;

/**
 * Receives listing results one entry at a time, so that a caller can walk millions of keys (all blocks of a volume)
 * without holding them in memory. Called on the listing thread, in key order within each kind.
 */
public interface ListingVisitor {
    /** One object directly under the listed prefix (or anywhere below it, without a delimiter). */
    void object(ObjectInfo object);

    /** One common prefix rolled up by the delimiter; ends with the delimiter. */
    default void commonPrefix(String prefix) {
    }
}
