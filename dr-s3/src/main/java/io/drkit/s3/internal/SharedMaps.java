package io.drkit.s3.internal;

import io.drkit.core.util.FrozenMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares equal label and parameter maps between the cfgs a catalog reads: the backups of a volume usually carry the
 * same labels, and every backup of a store the same parameters, so one instance serves them all (in the cache and in
 * the results). Bounded: at most {@link #MAX_MAPS} maps of at most {@link #MAX_MAP_BYTES} estimated bytes each are
 * remembered, and all are forgotten when that many are. Thread-safe.
 */
final class SharedMaps {
    /** Most distinct maps remembered. */
    static final int MAX_MAPS = 8192;
    /** Largest map (estimated bytes) worth remembering. */
    static final long MAX_MAP_BYTES = 2048;

    private final ConcurrentHashMap<Map<String, String>, Map<String, String>> maps = new ConcurrentHashMap<>();

    /** An immutable map equal to {@code m}: one seen before when there is one. */
    Map<String, String> share(Map<String, String> m) {
        Map<String, String> frozen = FrozenMap.copyOf(m);
        if (frozen.isEmpty() || CfgLru.MemoryEstimate.map(frozen) > MAX_MAP_BYTES) {
            return frozen;
        }
        Map<String, String> seen = maps.get(frozen);
        if (seen != null) {
            return seen;
        }
        if (maps.size() >= MAX_MAPS) {
            maps.clear();
        }
        seen = maps.putIfAbsent(frozen, frozen);
        return seen != null ? seen : frozen;
    }
}
