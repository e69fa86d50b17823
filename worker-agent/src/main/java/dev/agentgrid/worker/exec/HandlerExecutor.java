package dev.agentgrid.worker.exec;

import dev.agentgrid.proto.v1.AssignTask;
import dev.agentgrid.worker.connect.Scheduler;
import dev.agentgrid.worker.spi.TaskHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/** Runs attempts with an in-process {@link TaskHandler}, each on a thread of its own. */
public final class HandlerExecutor implements AttemptExecutor {

  private final TaskHandler handler;
  private final Scheduler scheduler;
  private final Clock clock;
  private final Duration stopGrace;

  /**
   * Creates an executor.
   *
   * @param handler the handler
   * @param scheduler timers (deadline, cancel grace, output flush)
   * @param clock the time deadlines are measured against
   * @param stopGrace how long a handler gets to return after its deadline passed
   */
  public HandlerExecutor(TaskHandler handler, Scheduler scheduler, Clock clock, Duration stopGrace) {
    this.handler = handler;
    this.scheduler = scheduler;
    this.clock = clock;
    this.stopGrace = stopGrace;
  }

  /**
   * Finds the {@link TaskHandler}s on the class path, one executor per agent type; with several
   * handlers for one type the first found wins.
   */
  public static Map<String, AttemptExecutor> discover(ClassLoader loader, Scheduler scheduler,
      Clock clock, Duration stopGrace) {
    Map<String, AttemptExecutor> found = new LinkedHashMap<>();
    for (TaskHandler handler : ServiceLoader.load(TaskHandler.class, loader)) {
      found.putIfAbsent(handler.agentType(),
          new HandlerExecutor(handler, scheduler, clock, stopGrace));
    }
    return found;
  }

  @Override
  public AttemptExecution start(AssignTask task, AttemptReporter reporter) {
    HandlerAttempt attempt = new HandlerAttempt(task, reporter, handler, scheduler, clock, stopGrace);
    attempt.start();
    return attempt;
  }

  @Override
  public String describe() {
    return "handler " + handler.getClass().getName();
  }
}
