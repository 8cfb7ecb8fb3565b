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

    /**
     * An entry the store has but will not serve, with why: in a directory store, a symbolic link loop or a link
     * leading out of the store ({@code key} ends with {@code /} for a directory). Reported so that a caller can say
     * what was left out; never read.
     */
    default void unreadable(String key, String reason) {
    }
}
