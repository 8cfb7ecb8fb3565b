package io.drkit.s3;

import java.util.List;
import java.util.Objects;

/**
 * The complete result of listing a prefix (all pages): the objects directly under it and the common prefixes
 * ("directories") that a delimiter rolled up.
 *
 * @param objects        objects, in key order
 * @param commonPrefixes full common prefixes, each ending with the delimiter, in key order
 * @param requests       how many list requests the store needed (pages), for request accounting
 * @param unreadable     entries the store has but will not serve, by key, with why ({@link ListingVisitor#unreadable})
 */
public record ObjectListing(List<ObjectInfo> objects, List<String> commonPrefixes, int requests,
                            java.util.Map<String, String> unreadable) {

    /** Copies the lists. */
    public ObjectListing {
        objects = List.copyOf(Objects.requireNonNull(objects, "objects"));
        commonPrefixes = List.copyOf(Objects.requireNonNull(commonPrefixes, "commonPrefixes"));
        unreadable = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(
                Objects.requireNonNullElse(unreadable, java.util.Map.of())));
    }

    /** A listing in which every entry could be served. */
    public ObjectListing(List<ObjectInfo> objects, List<String> commonPrefixes, int requests) {
        this(objects, commonPrefixes, requests, java.util.Map.of());
    }

    /** Whether nothing was found. */
    public boolean isEmpty() {
        return objects.isEmpty() && commonPrefixes.isEmpty();
    }
}
