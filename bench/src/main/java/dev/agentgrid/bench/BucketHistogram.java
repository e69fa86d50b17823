package dev.agentgrid.bench;

import dev.agentgrid.proto.v1.Latency;
import dev.agentgrid.proto.v1.LatencyBucket;
import java.util.Map;
import java.util.TreeMap;

/**
 * A latency histogram as StatsService reports it: counts by inclusive upper bound (µs). The plane's
 * figures are cumulative, so an interval is the difference of two snapshots; its percentiles are
 * the upper bound of the bucket where the rank falls, i.e. at most one bucket width (~9 %) high.
 */
record BucketHistogram(TreeMap<Long, Long> counts) {
    static final BucketHistogram EMPTY = new BucketHistogram(new TreeMap<>());

    /** The plane's histogram called {@code name} in a GetStats reply; empty if it has none. */
    static BucketHistogram named(dev.agentgrid.proto.v1.GetStatsResponse stats, String name) {
        for (Latency l : stats.getLatenciesList()) {
            if (l.getName().equals(name)) {
                return of(l);
            }
        }
        return EMPTY;
    }

    static BucketHistogram of(Latency latency) {
        TreeMap<Long, Long> counts = new TreeMap<>();
        for (LatencyBucket b : latency.getBucketsList()) {
            counts.merge(b.getUpperBoundMicros(), b.getCount(), Long::sum);
        }
        return new BucketHistogram(counts);
    }

    /** What was recorded after {@code earlier}, a snapshot of the same histogram taken before this one. */
    BucketHistogram minus(BucketHistogram earlier) {
        TreeMap<Long, Long> out = new TreeMap<>();
        for (Map.Entry<Long, Long> e : counts.entrySet()) {
            long d = e.getValue() - earlier.counts.getOrDefault(e.getKey(), 0L);
            if (d < 0) {
                throw new IllegalArgumentException("bucket " + e.getKey() + " µs shrank from "
                        + earlier.counts.get(e.getKey()) + " to " + e.getValue() + ": not a later snapshot of the same replica");
            }
            if (d > 0) {
                out.put(e.getKey(), d);
            }
        }
        for (Long bound : earlier.counts.keySet()) {
            if (!counts.containsKey(bound) && earlier.counts.get(bound) > 0) {
                throw new IllegalArgumentException("bucket " + bound + " µs vanished: not a later snapshot of the same replica");
            }
        }
        return new BucketHistogram(out);
    }

    long count() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Upper bound (µs) of the bucket holding the {@code p}-th percentile (nearest rank); 0 when empty. */
    long percentileMicros(double p) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
        long seen = 0;
        for (Map.Entry<Long, Long> e : counts.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return e.getKey();
            }
        }
        return counts.lastKey();
    }

    /** Upper bound (µs) of the highest non-empty bucket; 0 when empty. */
    long maxBoundMicros() {
        return counts.isEmpty() ? 0 : counts.lastKey();
    }
}
