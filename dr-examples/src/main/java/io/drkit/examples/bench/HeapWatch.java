package io.drkit.examples.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/** Heap peaks: pool peaks (garbage included) and the largest heap left after any collection (the live set). */
final class HeapWatch implements AutoCloseable {
    private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).toList();
    private final AtomicLong liveAfterGc = new AtomicLong();
    private final List<Runnable> unsubscribe = new ArrayList<>();

    HeapWatch() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                javax.management.NotificationListener l = (n, h) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        GarbageCollectionNotificationInfo info =
                                GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                        long after = 0;
                        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                            if (pools.stream().anyMatch(p -> p.getName().equals(e.getKey()))) {
                                after += e.getValue().getUsed();
                            }
                        }
                        long a = after;
                        liveAfterGc.accumulateAndGet(a, Math::max);
                    }
                };
                emitter.addNotificationListener(l, null, null);
                unsubscribe.add(() -> {
                    try {
                        emitter.removeNotificationListener(l);
                    } catch (javax.management.ListenerNotFoundException e) {
                        // already gone
                    }
                });
            }
        }
    }

    void reset() {
        System.gc();
        pools.forEach(MemoryPoolMXBean::resetPeakUsage);
        liveAfterGc.set(0);
    }

    long peakUsed() {
        return pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    long peakLiveAfterGc() {
        return liveAfterGc.get();
    }

    @Override
    public void close() {
        unsubscribe.forEach(Runnable::run);
    }
}
