package dev.agentgrid.worker.exec;

import dev.agentgrid.proto.v1.RunningAttempt;

/**
 * Names one attempt of one task. The attempt number is the plane's fencing token: a message is
 * about an attempt only if both parts match.
 *
 * @param taskId task id (UUID)
 * @param attempt attempt number
 */
public record AttemptKey(String taskId, int attempt) {

  /** Returns the key as the contract's {@code RunningAttempt}. */
  public RunningAttempt toProto() {
    return RunningAttempt.newBuilder().setTaskId(taskId).setAttempt(attempt).build();
  }

  @Override
  public String toString() {
    return taskId + "#" + attempt;
  }
}
