package io.drkit.s3;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Fault injection as a fake: wraps a source and fails chosen calls (by operation and key) with a chosen exception,
 * a given number of times or forever, or makes them slow.
 */
final class FaultyObjectSource implements ObjectSource {
    private final ObjectSource delegate;
    private final List<Fault> faults = new CopyOnWriteArrayList<>();

    private record Fault(RequestKind kind, Predicate<String> key, Supplier<RuntimeException> error, int[] remaining) {
    }

    FaultyObjectSource(ObjectSource delegate) {
        this.delegate = delegate;
    }

    /** Fails {@code kind} calls on keys matching {@code key} with {@code error}, {@code times} times (-1: always). */
    FaultyObjectSource fail(RequestKind kind, Predicate<String> key, Supplier<RuntimeException> error, int times) {
        faults.add(new Fault(kind, key, error, new int[] {times}));
        return this;
    }

    private record Delay(RequestKind kind, Predicate<String> key, java.time.Duration delay) {
    }

    private final List<Delay> delays = new CopyOnWriteArrayList<>();

    /** Makes every {@code kind} call on keys matching {@code key} take {@code delay} longer (a slow store). */
    FaultyObjectSource delay(RequestKind kind, Predicate<String> key, java.time.Duration delay) {
        delays.add(new Delay(kind, key, delay));
        return this;
    }

    private void check(RequestKind kind, String key) {
        for (Delay d : delays) {
            if (d.kind() == kind && d.key().test(key)) {
                try {
                    Thread.sleep(d.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new io.drkit.core.CancelledException("slow call interrupted");
                }
            }
        }
        for (Fault f : faults) {
            if (f.kind() == kind && f.key().test(key)) {
                synchronized (f.remaining()) {
                    if (f.remaining()[0] == 0) {
                        continue;
                    }
                    if (f.remaining()[0] > 0) {
                        f.remaining()[0]--;
                    }
                }
                throw f.error().get();
            }
        }
    }

    @Override
    public int list(String prefix, String delimiter, ListingVisitor visitor) {
        check(RequestKind.LIST, prefix);
        return delegate.list(prefix, delimiter, visitor);
    }

    @Override
    public ObjectStream get(String key) {
        check(RequestKind.GET, key);
        return delegate.get(key);
    }

    @Override
    public ObjectStream getRange(String key, long offset, long length) {
        check(RequestKind.GET, key);
        return delegate.getRange(key, offset, length);
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        check(RequestKind.HEAD, key);
        return delegate.head(key);
    }

    @Override
    public String describe() {
        return "faulty " + delegate.describe();
    }

    @Override
    public void close() {
        // the delegate belongs to the test
    }
}
