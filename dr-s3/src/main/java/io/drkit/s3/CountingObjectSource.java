package io.drkit.s3;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wraps an {@link ObjectSource} and counts the requests made through it, by kind (list pages, gets, heads). The
 * catalog uses one to expose its own request counts; benchmarks use it to compare strategies. Thread-safe. Closing
 * it does not close the wrapped source.
 */
public final class CountingObjectSource implements ObjectSource {
    private final ObjectSource delegate;
    private final Map<RequestKind, LongAdder> counts = new EnumMap<>(RequestKind.class);

    private CountingObjectSource(ObjectSource delegate) {
        this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
        for (RequestKind k : RequestKind.values()) {
            counts.put(k, new LongAdder());
        }
    }

    /** Counts requests made through the returned source to {@code delegate}. */
    public static CountingObjectSource wrap(ObjectSource delegate) {
        return new CountingObjectSource(delegate);
    }

    /** A snapshot of the counts so far. */
    public RequestCounts counts() {
        return new RequestCounts(counts.get(RequestKind.LIST).sum(), counts.get(RequestKind.GET).sum(),
                counts.get(RequestKind.HEAD).sum(), counts.get(RequestKind.PUT).sum(), counts.get(RequestKind.DELETE).sum());
    }

    /** The wrapped source. */
    public ObjectSource delegate() {
        return delegate;
    }

    @Override
    public int list(String prefix, String delimiter, ListingVisitor visitor) {
        int pages = 0;
        try {
            pages = delegate.list(prefix, delimiter, visitor);
            return pages;
        } finally {
            counts.get(RequestKind.LIST).add(Math.max(1, pages));
        }
    }

    @Override
    public ObjectStream get(String key) {
        counts.get(RequestKind.GET).increment();
        return delegate.get(key);
    }

    @Override
    public ObjectStream getRange(String key, long offset, long length) {
        counts.get(RequestKind.GET).increment();
        return delegate.getRange(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        counts.get(RequestKind.HEAD).increment();
        return delegate.head(key);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        // the wrapped source belongs to whoever created it
    }
}
