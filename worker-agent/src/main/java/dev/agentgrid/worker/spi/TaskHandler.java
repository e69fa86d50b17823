package dev.agentgrid.worker.spi;

/**
 * An in-process agent: Java code that runs tasks of one agent type inside the worker. Implementations
 * are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/dev.agentgrid.worker.spi.TaskHandler} of a jar on the worker's class path.
 * A command configured for the same agent type takes precedence.
 *
 * <p>Each attempt runs {@link #handle} on a thread of its own, so one handler instance serves several
 * attempts at once and must be thread-safe.
 */
public interface TaskHandler {

  /** The agent type this handler serves, e.g. {@code "coder"}. */
  String agentType();

  /**
   * Runs one attempt.
   *
   * @param context the task and the ways to report back; valid until this method returns
   * @return how the attempt ended
   * @throws Exception to fail the attempt as retryable with the exception's message
   */
  TaskOutcome handle(TaskContext context) throws Exception;
}
