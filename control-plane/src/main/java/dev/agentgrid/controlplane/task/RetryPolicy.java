package dev.agentgrid.controlplane.task;

import java.time.Duration;

/** How often and how late failed attempts are retried. */
public record RetryPolicy(Duration initialInterval, double backoffCoefficient, Duration maximumInterval,
        int maximumAttempts) {

    /** Defaults: 1 s, x2, at most 5 min, 3 attempts. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 3);

    /** Delay before attempt {@code nextAttempt} (2 or more). */
    public Duration delayBefore(int nextAttempt) {
        double millis = initialInterval.toMillis() * Math.pow(backoffCoefficient, Math.max(0, nextAttempt - 2));
        return Duration.ofMillis((long) Math.min(millis, maximumInterval.toMillis()));
    }
}
