package dev.agentgrid.worker.connect;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The production {@link Scheduler}: one named daemon thread over a {@link ScheduledExecutorService}. */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorScheduler.class);

  private final ScheduledExecutorService executor;

  /** Creates a scheduler whose thread is called {@code threadName}. */
  public ExecutorScheduler(String threadName) {
    this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, threadName);
      thread.setDaemon(true);
      return thread;
    });
  }

  @Override
  public Cancellable schedule(Runnable action, Duration delay) {
    if (executor.isShutdown()) {
      return Cancellable.NONE;
    }
    // A throwing action must not kill the only timer thread, so every action is guarded.
    Runnable guarded = () -> {
      try {
        action.run();
      } catch (RuntimeException | Error e) {
        LOG.error("scheduled action failed", e);
      }
    };
    ScheduledFuture<?> future =
        executor.schedule(guarded, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    return () -> future.cancel(false);
  }

  /** Stops the timer thread; pending actions never run. */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
