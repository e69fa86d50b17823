package dev.agentgrid.bench;

import java.util.Arrays;

/**
 * Keeps every recorded duration (nanoseconds) so that percentiles are exact. Thread-safe; meant
 * for up to a few million samples.
 */
public final class LatencyRecorder {
    private long[] samples = new long[1024];
    private int size;

    public synchronized void record(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    public synchronized int count() {
        return size;
    }

    /** The {@code p}-th percentile (nearest rank) in milliseconds; 0 without samples. */
    public synchronized double percentileMillis(double p) {
        if (size == 0) {
            return 0;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size);
        return sorted[Math.max(0, Math.min(size - 1, rank - 1))] / 1e6;
    }

    public synchronized double maxMillis() {
        long max = 0;
        for (int i = 0; i < size; i++) {
            max = Math.max(max, samples[i]);
        }
        return max / 1e6;
    }
}
