package io.drkit.kubernetes.internal;

import io.drkit.core.ConflictException;
import io.drkit.core.NotFoundException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Optimistic updates: read, change, write back with the read's {@code resourceVersion}; on HTTP 409 (someone else
 * wrote in between, typically a Longhorn controller updating status) read again and retry.
 */
public final class Updates {
    private static final Logger LOG = LoggerFactory.getLogger(Updates.class);
    /** How often a write is retried after a resourceVersion conflict. */
    public static final int MAX_ATTEMPTS = 5;

    private Updates() {
    }

    /**
     * Applies {@code change} to the current object and writes it back, retrying on conflicts.
     *
     * @param what   description for errors, e.g. "update labels of Volume longhorn-system/x"
     * @param read   reads the current object (null when it does not exist)
     * @param write  writes an object with its resourceVersion (a PUT that fails with 409 on a stale version)
     * @param change returns the changed object, or empty when nothing needs to change (no write then)
     * @return the written object, or the unchanged current one
     * @throws NotFoundException when the object does not exist
     * @throws ConflictException when every attempt met a newer version
     */
    public static <T extends HasMetadata> T update(String what, Supplier<T> read, UnaryOperator<T> write,
                                                   Function<T, Optional<T>> change) {
        KubernetesClientException last = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            T current = KubeErrors.call(what + " (read)", read);
            if (current == null) {
                throw new NotFoundException(what + ": object not found");
            }
            Optional<T> changed = change.apply(current);
            if (changed.isEmpty()) {
                return current;
            }
            T next = changed.get();
            next.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
            try {
                LOG.debug("{} (attempt {})", what, attempt);
                return write.apply(next);
            } catch (KubernetesClientException e) {
                if (!KubeErrors.isConflict(e)) {
                    throw KubeErrors.translate(what, e);
                }
                LOG.debug("{}: resourceVersion conflict, reading again", what);
                last = e;
            }
        }
        throw new ConflictException(what + ": still conflicting after " + MAX_ATTEMPTS + " attempts (HTTP 409)", last);
    }
}
