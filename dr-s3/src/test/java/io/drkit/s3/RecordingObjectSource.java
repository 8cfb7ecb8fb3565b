package io.drkit.s3;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Records every call made through it (kind and key) and passes it on; writable when the delegate is. */
final class RecordingObjectSource implements WritableObjectSource {
    private final ObjectSource delegate;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    RecordingObjectSource(ObjectSource delegate) {
        this.delegate = delegate;
    }

    /** Calls so far as {@code KIND key}, in order. */
    List<String> calls() {
        return List.copyOf(calls);
    }

    /** Keys of calls of one kind whose key matches. */
    List<String> keys(RequestKind kind, Predicate<String> key) {
        return calls.stream().filter(c -> c.startsWith(kind + " ")).map(c -> c.substring(kind.name().length() + 1))
                .filter(key).toList();
    }

    @Override
    public int list(String prefix, String delimiter, ListingVisitor visitor) {
        calls.add(RequestKind.LIST + " " + prefix);
        return delegate.list(prefix, delimiter, visitor);
    }

    @Override
    public ObjectStream get(String key) {
        calls.add(RequestKind.GET + " " + key);
        return delegate.get(key);
    }

    @Override
    public ObjectStream getRange(String key, long offset, long length) {
        calls.add(RequestKind.GET + " " + key);
        return delegate.getRange(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        calls.add(RequestKind.HEAD + " " + key);
        return delegate.head(key);
    }

    @Override
    public ObjectInfo put(String key, byte[] data) {
        calls.add(RequestKind.PUT + " " + key);
        return ((WritableObjectSource) delegate).put(key, data);
    }

    @Override
    public ObjectInfo put(String key, Path file) {
        calls.add(RequestKind.PUT + " " + key);
        return ((WritableObjectSource) delegate).put(key, file);
    }

    @Override
    public void delete(String key) {
        calls.add(RequestKind.DELETE + " " + key);
        ((WritableObjectSource) delegate).delete(key);
    }

    @Override
    public String describe() {
        return "recording " + delegate.describe();
    }

    @Override
    public void close() {
        // the delegate belongs to the test
    }
}
