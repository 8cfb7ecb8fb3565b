package io.drkit.core.util;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable map that keeps its entries' order in one array: the defensive copy of the label and parameter maps of
 * the model's records, compact (about a third of a {@code LinkedHashMap}'s heap) and shared instead of copied again
 * when a record is built from another record's map, so that a catalog of 10^5 backups holds its repeated labels once.
 * Larger maps (more than {@value #MAX_COMPACT} entries) are kept as an unmodifiable {@code LinkedHashMap} copy, so
 * lookups stay constant-time.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class FrozenMap<K, V> extends AbstractMap<K, V> {
    /** Most entries kept in the compact form (looked up by a linear scan). */
    public static final int MAX_COMPACT = 16;

    private static final FrozenMap<Object, Object> EMPTY = new FrozenMap<>(new Object[0]);

    private final Object[] keysAndValues;
    private int hash;

    private FrozenMap(Object[] keysAndValues) {
        this.keysAndValues = keysAndValues;
    }

    /**
     * An immutable copy of {@code m} in its iteration order ({@code null}: empty); {@code m} itself when it is already
     * one (a {@code FrozenMap}, or the unmodifiable copy this method makes of a large map).
     */
    @SuppressWarnings("unchecked")
    public static <K, V> Map<K, V> copyOf(Map<? extends K, ? extends V> m) {
        if (m == null || m.isEmpty()) {
            return (Map<K, V>) EMPTY;
        }
        if (m instanceof FrozenMap<?, ?> || m instanceof Large<?, ?>) {
            return (Map<K, V>) m;
        }
        if (m.size() > MAX_COMPACT) {
            return new Large<>(m);
        }
        Object[] kv = new Object[2 * m.size()];
        int i = 0;
        for (Map.Entry<? extends K, ? extends V> e : m.entrySet()) {
            kv[i++] = e.getKey();
            kv[i++] = e.getValue();
        }
        return new FrozenMap<>(kv);
    }

    @Override
    public int size() {
        return keysAndValues.length / 2;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : (V) keysAndValues[i + 1];
    }

    private int indexOf(Object key) {
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (Objects.equals(keysAndValues[i], key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0 && keysAndValues.length > 0) {
            h = super.hashCode();
            hash = h;
        }
        return h;
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<K, V>> iterator() {
                return new Iterator<>() {
                    private int i;

                    @Override
                    public boolean hasNext() {
                        return i < keysAndValues.length;
                    }

                    @Override
                    @SuppressWarnings("unchecked")
                    public Map.Entry<K, V> next() {
                        if (i >= keysAndValues.length) {
                            throw new NoSuchElementException();
                        }
                        Map.Entry<K, V> e = new SimpleImmutableEntry<>((K) keysAndValues[i], (V) keysAndValues[i + 1]);
                        i += 2;
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return FrozenMap.this.size();
            }
        };
    }

    /** The unmodifiable, order-keeping copy of a map too large for the compact form. */
    private static final class Large<K, V> extends AbstractMap<K, V> {
        private final Map<K, V> map;

        Large(Map<? extends K, ? extends V> m) {
            this.map = Collections.unmodifiableMap(new LinkedHashMap<>(m));
        }

        @Override
        public V get(Object key) {
            return map.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return map.containsKey(key);
        }

        @Override
        public int size() {
            return map.size();
        }

        @Override
        public Set<Map.Entry<K, V>> entrySet() {
            return map.entrySet();
        }
    }
}
