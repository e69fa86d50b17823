package dev.agentgrid.bridge.time;

import java.time.Duration;
import java.time.Instant;

/**
 * The bridge's only source of time: the current instant and delayed tasks. Backoff, pings, idle
 * timeouts and rate limits go through it, so tests drive them with a fake one instead of
 * sleeping (the idea of grpc-java's {@code FakeClock}).
 */
public interface Scheduler {
    /** The current time. */
    Instant now();

    /**
     * Runs {@code task} once after {@code delay}. Tasks must be short and must not block: they
     * share one thread.
     *
     * @return a handle that cancels the task if it has not run yet
     */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that can still be called off. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task; does nothing if it already ran. */
        void cancel();
    }
}
