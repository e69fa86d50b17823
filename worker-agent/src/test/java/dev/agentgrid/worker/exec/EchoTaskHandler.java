package dev.agentgrid.worker.exec;

import dev.agentgrid.worker.spi.TaskContext;
import dev.agentgrid.worker.spi.TaskHandler;
import dev.agentgrid.worker.spi.TaskOutcome;

/**
 * A handler registered through {@code META-INF/services} in the test resources: echoes the task's
 * instructions, and fails when they say "fail".
 */
public final class EchoTaskHandler implements TaskHandler {

  /** The agent type it serves. */
  public static final String AGENT_TYPE = "echo";

  @Override
  public String agentType() {
    return AGENT_TYPE;
  }

  @Override
  public TaskOutcome handle(TaskContext context) {
    context.progress(1.0, "echo", "");
    context.output(context.instructions());
    if (context.instructions().equals("fail")) {
      return TaskOutcome.failed("asked to fail", false);
    }
    return TaskOutcome.completed(context.instructions());
  }
}
