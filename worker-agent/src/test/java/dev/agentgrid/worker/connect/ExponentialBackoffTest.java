package dev.agentgrid.worker.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExponentialBackoffTest {

  private static final Duration INITIAL = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofSeconds(30);

  /** A Random whose nextDouble is always the same, to pin the jitter. */
  private static Random fixed(double value) {
    return new Random() {
      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  private static List<Long> millis(ExponentialBackoff backoff, int count) {
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      delays.add(backoff.nextDelay().toMillis());
    }
    return delays;
  }

  @Test
  void withoutJitterDelaysGrowBy1point6FromOneSecondUpToTheCap() {
    ExponentialBackoff backoff = new ExponentialBackoff(INITIAL, MAX, fixed(0.5));

    assertEquals(List.of(1000L, 1600L, 2560L, 4096L, 6553L, 10485L, 16777L, 26843L, 30000L,
        30000L), millis(backoff, 10));
  }

  @Test
  void jitterStaysWithinTwentyPercentEitherWay() {
    assertEquals(800, new ExponentialBackoff(INITIAL, MAX, fixed(0.0)).nextDelay().toMillis());
    assertEquals(1199, new ExponentialBackoff(INITIAL, MAX, fixed(0.9999)).nextDelay().toMillis());

    Random seeded = new Random(42);
    ExponentialBackoff backoff = new ExponentialBackoff(INITIAL, MAX, seeded);
    double base = 1000;
    for (int i = 0; i < 50; i++) {
      long delay = backoff.nextDelay().toMillis();
      double low = Math.min(base * 0.8, 30_000);
      double high = Math.min(base * 1.2, 30_000);
      assertTrue(delay >= Math.floor(low) - 1 && delay <= high,
          "delay " + delay + " outside [" + low + ", " + high + "] at step " + i);
      base = Math.min(base * 1.6, 30_000);
    }
  }

  @Test
  void seededRandomGivesARepeatableSequence() {
    assertEquals(millis(new ExponentialBackoff(INITIAL, MAX, new Random(7)), 12),
        millis(new ExponentialBackoff(INITIAL, MAX, new Random(7)), 12));
  }

  @Test
  void delaysNeverExceedTheCapEvenWithUpwardJitter() {
    ExponentialBackoff backoff = new ExponentialBackoff(INITIAL, MAX, fixed(0.9999));
    for (long delay : millis(backoff, 40)) {
      assertTrue(delay <= 30_000, "delay " + delay + " above the cap");
    }
    assertEquals(30_000, backoff.nextDelay().toMillis());
  }

  @Test
  void resetStartsAgainFromTheInitialDelay() {
    ExponentialBackoff backoff = new ExponentialBackoff(INITIAL, MAX, fixed(0.5));
    millis(backoff, 6);

    backoff.reset();

    assertEquals(List.of(1000L, 1600L), millis(backoff, 2));
  }

  @Test
  void refusesAMaximumBelowTheInitialDelay() {
    assertThrows(IllegalArgumentException.class,
        () -> new ExponentialBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1), new Random()));
  }
}
