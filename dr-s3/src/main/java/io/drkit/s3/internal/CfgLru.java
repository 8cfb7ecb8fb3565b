package io.drkit.s3.internal;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A map bounded by an estimated byte budget, evicting the least recently used entries first, that keeps the parsed
 * cfgs of a {@link CfgCache}: memory stays bounded whatever the store's size, while the most recently read cfgs still
 * make a re-scan of unchanged objects cost no request. Thread-safe (one lock; every operation is short).
 *
 * @param <V> the value kept
 */
final class CfgLru<V> {
    private final long budgetBytes;
    private final ToLongFunction<V> weigher;
    private final LinkedHashMap<String, Weighed<V>> map = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;
    private long evictions;

    private record Weighed<V>(V value, long bytes) {
    }

    /**
     * A map holding at most about {@code budgetBytes} as estimated by {@code weigher} (per entry, key excluded: the
     * key's own estimate is added); a budget of 0 keeps nothing.
     */
    CfgLru(long budgetBytes, ToLongFunction<V> weigher) {
        this.budgetBytes = Math.max(0, budgetBytes);
        this.weigher = weigher;
    }

    /** The value kept for {@code key}, now the most recently used; null when none. */
    synchronized V get(String key) {
        Weighed<V> w = map.get(key);
        return w == null ? null : w.value();
    }

    /** Keeps {@code value} under {@code key}, evicting the least recently used entries while over the budget. */
    synchronized void put(String key, V value) {
        long size = MemoryEstimate.ENTRY + MemoryEstimate.string(key) + weigher.applyAsLong(value);
        Weighed<V> old = map.remove(key);
        if (old != null) {
            bytes -= old.bytes();
        }
        if (size > budgetBytes) {
            return;
        }
        map.put(key, new Weighed<>(value, size));
        bytes += size;
        Iterator<Weighed<V>> eldest = map.values().iterator();
        while (bytes > budgetBytes && eldest.hasNext()) {
            bytes -= eldest.next().bytes();
            eldest.remove();
            evictions++;
        }
    }

    /** Forgets {@code key}. */
    synchronized void remove(String key) {
        Weighed<V> old = map.remove(key);
        if (old != null) {
            bytes -= old.bytes();
        }
    }

    /** The estimated bytes held. */
    synchronized long estimatedBytes() {
        return bytes;
    }

    /** Entries held. */
    synchronized int size() {
        return map.size();
    }

    /** Entries evicted so far to stay within the budget. */
    synchronized long evictions() {
        return evictions;
    }

    /** Rough sizes of heap objects (64-bit JVM, compressed references), for weighing cache entries. */
    static final class MemoryEstimate {
        /** A map entry in the LRU plus its holder record. */
        static final long ENTRY = 40 + 24;
        /** An object header plus a few fields. */
        static final long OBJECT = 32;

        private MemoryEstimate() {
        }

        /** A string: object, array header and (at worst) two bytes a character. */
        static long string(String s) {
            return s == null ? 0 : 40 + 2L * s.length();
        }

        /** A map of strings, counting its keys and values (shared ones are counted each time: an over-estimate). */
        static long map(Map<String, String> m) {
            long n = 48L + 8L * m.size();
            for (Map.Entry<String, String> e : m.entrySet()) {
                n += 32 + string(e.getKey()) + string(e.getValue());
            }
            return n;
        }
    }
}
