package dev.agentgrid.controlplane.stats;

import com.sun.management.GarbageCollectionNotificationInfo;
import jakarta.inject.Singleton;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The most heap in use right after any garbage collection since start: the high mark of what the
 * replica really keeps alive, unlike "heap used", which also counts garbage not yet collected.
 */
@Singleton
public class HeapAfterGc {
    private final AtomicLong peak = new AtomicLong();
    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toSet());

    public HeapAfterGc() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((n, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                        long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                                .filter(e -> heapPools.contains(e.getKey()))
                                .mapToLong(e -> e.getValue().getUsed()).sum();
                        peak.accumulateAndGet(used, Math::max);
                    }
                }, null, null);
            }
        }
    }

    /** Bytes; 0 before the first collection. */
    public long peakBytes() {
        return peak.get();
    }
}
