package dev.agentgrid.bridge.events;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays like grpc-java's {@code ExponentialBackoffPolicy}: start at the initial delay,
 * multiply by 1.6 after each attempt up to the maximum, and spread each delay by ±20 % so that
 * many bridges (or one bridge's restarts) do not reconnect in lockstep. Not thread-safe.
 */
public final class Backoff {
    static final double MULTIPLIER = 1.6;
    static final double JITTER = 0.2;

    private final long initialNanos;
    private final long maxNanos;
    private final DoubleSupplier random;
    private long nextNanos;

    /**
     * @param random uniform values in [0, 1); injected so tests get exact delays
     */
    public Backoff(Duration initial, Duration max, DoubleSupplier random) {
        this.initialNanos = initial.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
        this.nextNanos = initialNanos;
    }

    /** The delay before the next attempt; each call grows the following one. */
    public Duration next() {
        long base = nextNanos;
        nextNanos = (long) Math.min(nextNanos * MULTIPLIER, maxNanos);
        double spread = 1 + JITTER * (2 * random.getAsDouble() - 1);
        return Duration.ofNanos(Math.min(maxNanos, Math.max(0, (long) (base * spread))));
    }

    /** Back to the initial delay, after a connection that worked. */
    public void reset() {
        nextNanos = initialNanos;
    }
}
