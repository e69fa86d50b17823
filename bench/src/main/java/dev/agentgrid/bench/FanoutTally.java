package dev.agentgrid.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every fan-out socket saw, added up: event frames delivered, duplicates (a seq at or below
 * one the socket already had), closes by code, and commit-to-client latencies of a uniform sample
 * of (socket, event) pairs. A sample because 1,000 sockets × 2,000 events/s × 60 s would be
 * 120 million figures; {@code sampleEvery} is chosen so that a few million are kept.
 */
final class FanoutTally {
    final WallClock clock = new WallClock();
    final LatencyRecorder latency = new LatencyRecorder();
    final int sampleEvery;
    private final String eventType;
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder unreadable = new LongAdder();
    private final Map<Integer, LongAdder> closes = new ConcurrentHashMap<>();
    // Set once the run's project exists: the sockets are in the global room, and events of other
    // projects (another run's backlog still leaving the bridge) must not count.
    private volatile String projectId;

    FanoutTally(String eventType, int sampleEvery) {
        this.eventType = eventType;
        this.sampleEvery = Math.max(1, sampleEvery);
    }

    /** The event type counted as a delivery. */
    String eventType() {
        return eventType;
    }

    /** The project whose events count, or null before it exists (then nothing counts). */
    String projectId() {
        return projectId;
    }

    void countProject(String id) {
        projectId = id;
    }

    void delivered(int socket, long seq, long eventEpochNanos, long receivedEpochNanos, boolean duplicate) {
        deliveries.increment();
        if (duplicate) {
            duplicates.increment();
        }
        if (eventEpochNanos < 0 || seq < 0) {
            unreadable.increment();
        } else if ((seq + socket) % sampleEvery == 0) {
            latency.record(Math.max(0, receivedEpochNanos - eventEpochNanos));
        }
    }

    void closed(int code) {
        closes.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    long deliveries() {
        return deliveries.sum();
    }

    long duplicates() {
        return duplicates.sum();
    }

    long unreadable() {
        return unreadable.sum();
    }

    long closedCount() {
        return closes.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Closes by WebSocket close code, for the log. */
    Map<Integer, Long> closesByCode() {
        Map<Integer, Long> out = new TreeMap<>();
        closes.forEach((code, n) -> out.put(code, n.sum()));
        return out;
    }
}
