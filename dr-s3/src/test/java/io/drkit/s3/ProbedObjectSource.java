package io.drkit.s3;

import java.util.Optional;
import java.util.function.Supplier;

/** A read-only source that passes every object read (GET, ranged GET, HEAD; not listings) through {@link #call}. */
abstract class ProbedObjectSource implements ObjectSource {
    private final ObjectSource delegate;

    ProbedObjectSource(ObjectSource delegate) {
        this.delegate = delegate;
    }

    /** Makes one read. */
    abstract <T> T call(Supplier<T> request);

    @Override
    public int list(String prefix, String delimiter, ListingVisitor visitor) {
        return delegate.list(prefix, delimiter, visitor);
    }

    @Override
    public ObjectStream get(String key) {
        return call(() -> delegate.get(key));
    }

    @Override
    public ObjectStream getRange(String key, long offset, long length) {
        return call(() -> delegate.getRange(key, offset, length));
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        return call(() -> delegate.head(key));
    }

    @Override
    public String describe() {
        return "probed " + delegate.describe();
    }

    @Override
    public void close() {
        // the delegate belongs to the test
    }
}
