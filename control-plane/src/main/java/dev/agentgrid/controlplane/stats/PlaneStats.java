package dev.agentgrid.controlplane.stats;

import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * This replica's running figures: latency histograms of the hot paths and counters, read by
 * {@code StatsService.GetStats} (and so by the benchmarks). Names are fixed strings chosen by the
 * code that records them; see the constants.
 */
@Singleton
public class PlaneStats implements ApplicationEventListener<ServerStartupEvent> {
    /** A worker heartbeat, from receipt to commit. */
    public static final String HEARTBEAT = "heartbeat";
    /** A worker's Hello, from receipt to Welcome sent. */
    public static final String HELLO = "hello";
    /** A worker's report (accepted, rejected, progress, output, result), from receipt to commit. */
    public static final String WORKER_REPORT = "worker_report";
    /** One claim transaction of the dispatcher. */
    public static final String DISPATCH_CLAIM = "dispatch_claim";
    /** A CreateTask or CreateTasks call. */
    public static final String CREATE_TASKS = "create_tasks";
    /** Tasks handed to workers. */
    public static final String TASKS_ASSIGNED = "tasks_assigned";
    /** Worker reports dropped because their attempt was no longer current (fencing). */
    public static final String STALE_REPORTS = "stale_reports";
    /** Durable events appended to the log. */
    public static final String EVENTS_APPENDED = "events_appended";

    private final Map<String, LatencyHistogram> latencies = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
    private volatile Duration startToReady;

    public LatencyHistogram latency(String name) {
        return latencies.computeIfAbsent(name, n -> new LatencyHistogram());
    }

    public void count(String name, long delta) {
        counters.computeIfAbsent(name, n -> new LongAdder()).add(delta);
    }

    /** Every histogram by name. */
    public Map<String, LatencyHistogram.Snapshot> latencies() {
        Map<String, LatencyHistogram.Snapshot> out = new TreeMap<>();
        latencies.forEach((k, v) -> out.put(k, v.snapshot()));
        return out;
    }

    /** Every counter by name. */
    public Map<String, Long> counters() {
        Map<String, Long> out = new TreeMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** From JVM start until the gRPC server served; null before that. */
    public Duration startToReady() {
        return startToReady;
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        if (startToReady == null) {
            startToReady = Duration.ofMillis(System.currentTimeMillis()
                    - ManagementFactory.getRuntimeMXBean().getStartTime());
        }
    }
}
