package io.drkit.s3;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A narrow, read-only view of an object store: the only thing the backupstore reader needs from S3 or from a
 * directory. Keys use {@code /}; a "directory" is a prefix ending with {@code /}. Implementations are thread-safe,
 * meant to be shared, translate their native errors into the {@code io.drkit.core} exception hierarchy
 * ({@link io.drkit.core.NotFoundException} for a missing object, {@link io.drkit.core.UnavailableException} for an
 * unreachable or refusing store, {@link io.drkit.core.DrTimeoutException} for a timeout) and keep the native
 * error as the cause.
 *
 * <p>Writing is a separate capability: {@link WritableObjectSource}.
 */
public interface ObjectSource extends AutoCloseable {

    /**
     * Lists every key under {@code prefix}, following all pages. With a non-empty {@code delimiter}, keys that
     * contain it after the prefix are rolled up into common prefixes (S3 semantics; any string, not only
     * {@code /}); with an empty or null delimiter every key below the prefix is an object.
     *
     * @return how many list requests it took
     */
    int list(String prefix, String delimiter, ListingVisitor visitor);

    /** {@link #list(String, String, ListingVisitor)} collected into one value. */
    default ObjectListing list(String prefix, String delimiter) {
        List<ObjectInfo> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        java.util.Map<String, String> unreadable = new java.util.TreeMap<>();
        int requests = list(prefix, delimiter, new ListingVisitor() {
            @Override
            public void object(ObjectInfo object) {
                objects.add(object);
            }

            @Override
            public void commonPrefix(String p) {
                prefixes.add(p);
            }

            @Override
            public void unreadable(String key, String reason) {
                unreadable.put(key, reason);
            }
        });
        return new ObjectListing(objects, prefixes, requests, unreadable);
    }

    /**
     * Opens an object for reading.
     *
     * @throws io.drkit.core.NotFoundException when it does not exist
     */
    ObjectStream get(String key);

    /**
     * Opens {@code length} bytes of an object starting at {@code offset} (fewer when the object is shorter; an
     * empty body when {@code offset} is at or past its end). {@link ObjectStream#info()} carries the full size.
     *
     * @throws io.drkit.core.NotFoundException when it does not exist
     */
    ObjectStream getRange(String key, long offset, long length);

    /** What the store says about one object, without its body; empty when it does not exist. */
    Optional<ObjectInfo> head(String key);

    /** A short description of the store, safe to print (no credentials), e.g. {@code s3://bucket (endpoint ...)}. */
    String describe();

    /** Releases what this source created; idempotent. Never closes a client the caller passed in. */
    @Override
    void close();
}
