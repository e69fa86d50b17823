package dev.agentgrid.worker.connect;

import java.time.Duration;

/**
 * Runs actions after a delay. All time-dependent logic of the worker (reconnect backoff, heartbeats,
 * output flushing, deadlines, kill graces) goes through this interface so tests can drive it with a
 * fake clock instead of sleeping.
 */
public interface Scheduler {

  /**
   * Runs {@code action} once after {@code delay}.
   *
   * @param action what to run; it must be short and must not block
   * @param delay how long to wait; zero or negative runs it as soon as possible
   * @return a handle to call the action off
   */
  Cancellable schedule(Runnable action, Duration delay);
}
