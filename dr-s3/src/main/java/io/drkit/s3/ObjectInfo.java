package io.drkit.s3;

import java.time.Instant;
import java.util.Objects;

/**
 * What a store says about one object: its key, size, entity tag and modification time. Listings, gets and heads all
 * return it, so a caller can tell whether an object changed without downloading it.
 *
 * @param key          the full object key (for a directory source, the path relative to its root, with {@code /})
 * @param size         size in bytes
 * @param etag         the entity tag without quotes (for files: derived from size and modification time); an opaque
 *                     change marker, not an MD5 (Longhorn's multipart uploads make it something else)
 * @param lastModified when the object was last written ({@link Instant#EPOCH} when the store does not say)
 */
public record ObjectInfo(String key, long size, String etag, Instant lastModified) {

    /** Validates; strips the quotes S3 puts around entity tags. */
    public ObjectInfo {
        Objects.requireNonNull(key, "key");
        etag = etag == null ? "" : stripQuotes(etag);
        lastModified = Objects.requireNonNullElse(lastModified, Instant.EPOCH);
    }

    /** Whether {@code other} describes the same version of the object (same size, entity tag and time). */
    public boolean sameVersionAs(ObjectInfo other) {
        return other != null && size == other.size && etag.equals(other.etag) && lastModified.equals(other.lastModified);
    }

    /** The last path segment of the key. */
    public String name() {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? key : key.substring(slash + 1);
    }

    private static String stripQuotes(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
