package dev.agentgrid.worker.exec;

import dev.agentgrid.proto.v1.AssignTask;

/** Runs attempts of one agent type: a configured command, or an in-process {@code TaskHandler}. */
public interface AttemptExecutor {

  /**
   * Starts an attempt and returns at once; the attempt reports through {@code reporter} and ends by
   * calling one of its finishing methods exactly once.
   *
   * @throws Exception if the attempt could not be started at all (the caller fails it)
   */
  AttemptExecution start(AssignTask task, AttemptReporter reporter) throws Exception;

  /** A short description for logs, e.g. {@code command "python agent.py"}. */
  String describe();
}
