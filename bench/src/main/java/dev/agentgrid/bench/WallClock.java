package dev.agentgrid.bench;

import java.time.Instant;

/**
 * Wall-clock time in epoch nanoseconds, read cheaply: one {@link Instant#now()} at creation plus
 * the monotonic clock since. Receivers call it millions of times; over a run of minutes the two
 * clocks drift by far less than the latencies measured.
 */
final class WallClock {
    private final long baseEpochNanos;
    private final long baseNanoTime;

    WallClock() {
        Instant now = Instant.now();
        baseNanoTime = System.nanoTime();
        baseEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    long epochNanos() {
        return baseEpochNanos + (System.nanoTime() - baseNanoTime);
    }
}
