package dev.agentgrid.bridge.ws;

import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket: up to {@code perSecond} messages at once, refilled at {@code perSecond} per
 * second. Time comes from the caller, so tests step it. Not thread-safe.
 */
final class TokenBucket {
    private final double capacity;
    private final double perNano;
    private double tokens;
    private Instant last;

    TokenBucket(int perSecond, Instant now) {
        this.capacity = perSecond;
        this.perNano = perSecond / 1e9;
        this.tokens = perSecond;
        this.last = now;
    }

    /** Takes one token if there is one. */
    boolean tryTake(Instant now) {
        if (now.isAfter(last)) {
            tokens = Math.min(capacity, tokens + Duration.between(last, now).toNanos() * perNano);
            last = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
