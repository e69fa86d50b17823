package dev.agentgrid.worker.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Bounded polling for tests that wait on real processes, sockets or threads: checks a condition
 * until it holds or a deadline passes, then fails with a message saying what was awaited.
 */
public final class Await {

  /** Default deadline; generous because CI machines are slow, never reached when things work. */
  public static final Duration DEFAULT = Duration.ofSeconds(10);
  private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

  private Await() {
  }

  /** Waits up to {@link #DEFAULT} for {@code condition}. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT, condition);
  }

  /** Waits up to {@code timeout} for {@code condition}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }

  /** Waits up to {@link #DEFAULT} for {@code supplier} to return non-null, and returns it. */
  public static <T> T value(String what, Supplier<T> supplier) {
    Object[] holder = new Object[1];
    until(what, () -> (holder[0] = supplier.get()) != null);
    @SuppressWarnings("unchecked")
    T value = (T) holder[0];
    return value;
  }
}
