package dev.agentgrid.worker.testing;

import dev.agentgrid.worker.connect.Cancellable;
import dev.agentgrid.worker.connect.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A manual clock and scheduler: time moves only when a test calls {@link #advance}, which runs the
 * actions that fall due, in order, on the calling thread. Thread-safe, so production threads may
 * schedule while the test advances.
 */
public final class FakeTime implements Scheduler {

  private final List<Task> tasks = new ArrayList<>();
  private long nowNanos;
  private long sequence;
  private final Instant epoch;

  /** Starts at {@code epoch}. */
  public FakeTime(Instant epoch) {
    this.epoch = epoch;
  }

  /** Starts at 2026-01-01T00:00:00Z. */
  public FakeTime() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @Override
  public synchronized Cancellable schedule(Runnable action, Duration delay) {
    Task task = new Task(nowNanos + Math.max(0, delay.toNanos()), sequence++, action, delay);
    tasks.add(task);
    return () -> {
      synchronized (FakeTime.this) {
        tasks.remove(task);
      }
    };
  }

  /** Moves time forward by {@code duration}, running every action that falls due on the way. */
  public void advance(Duration duration) {
    long target;
    synchronized (this) {
      target = nowNanos + duration.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.stream()
            .filter(t -> t.dueNanos <= target)
            .min(Comparator.comparingLong((Task t) -> t.dueNanos).thenComparingLong(t -> t.seq))
            .orElse(null);
        if (next == null) {
          nowNanos = target;
          return;
        }
        tasks.remove(next);
        nowNanos = Math.max(nowNanos, next.dueNanos);
      }
      next.action.run();
    }
  }

  /** Runs what is due now without moving time. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** The delays (as requested) of actions not yet run or cancelled, in the order scheduled. */
  public synchronized List<Duration> pendingDelays() {
    return tasks.stream().sorted(Comparator.comparingLong(t -> t.seq)).map(t -> t.delay).toList();
  }

  /** Time from now until the earliest pending action, or null if none. */
  public synchronized Duration nextDueIn() {
    return tasks.stream().mapToLong(t -> t.dueNanos).min().stream()
        .mapToObj(due -> Duration.ofNanos(due - nowNanos)).findFirst().orElse(null);
  }

  /** Elapsed fake time. */
  public synchronized Duration elapsed() {
    return Duration.ofNanos(nowNanos);
  }

  /** A clock that reads this fake time. */
  public Clock clock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        synchronized (FakeTime.this) {
          return epoch.plusNanos(nowNanos);
        }
      }
    };
  }

  private record Task(long dueNanos, long seq, Runnable action, Duration delay) {
  }
}
