package dev.agentgrid.worker.connect;

import java.time.Duration;
import java.util.Random;

/**
 * Reconnect delays that grow exponentially with random jitter, the way grpc-java's
 * {@code ExponentialBackoffPolicy} does: start at {@code initial}, multiply by {@link #MULTIPLIER}
 * after each attempt up to {@code max}, and spread each delay by ±{@link #JITTER} so that many
 * workers cut off by the same outage do not all reconnect in the same instant.
 *
 * <p>Not thread-safe; the connection owns one.
 */
public final class ExponentialBackoff {

  /** Growth factor between consecutive delays. */
  public static final double MULTIPLIER = 1.6;
  /** Relative jitter: each delay is drawn from [d × 0.8, d × 1.2]. */
  public static final double JITTER = 0.2;

  private final long initialNanos;
  private final long maxNanos;
  private final Random random;
  private long nextNanos;

  /**
   * Creates a backoff.
   *
   * @param initial the first delay (before jitter), positive
   * @param max the longest delay ever returned, at least {@code initial}
   * @param random source of jitter; tests pass a seeded or fixed one
   */
  public ExponentialBackoff(Duration initial, Duration max, Random random) {
    if (initial.isZero() || initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff: initial " + initial + ", max " + max
          + " (expected: 0 < initial <= max)");
    }
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
    this.nextNanos = initialNanos;
  }

  /** Returns the delay before the next attempt and advances the sequence. */
  public Duration nextDelay() {
    long current = nextNanos;
    nextNanos = Math.min((long) (current * MULTIPLIER), maxNanos);
    double spread = JITTER * current;
    long jittered = current + (long) (spread * (2 * random.nextDouble() - 1));
    // Jitter must not push a delay past the cap: the cap is a promise to the operator.
    return Duration.ofNanos(Math.max(0, Math.min(jittered, maxNanos)));
  }

  /** Starts again from the initial delay; called once a session was accepted. */
  public void reset() {
    nextNanos = initialNanos;
  }
}
