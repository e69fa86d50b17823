package dev.agentgrid.worker.exec;

import dev.agentgrid.proto.v1.HitlAnswer;
import dev.agentgrid.proto.v1.UserMessage;
import java.time.Duration;

/** A started attempt, as the worker steers it. Methods return quickly and never block. */
public interface AttemptExecution {

  /**
   * Stops the attempt: asks it to stop, and forces it after {@code grace}. The attempt still ends
   * through its reporter.
   */
  void cancel(String reason, Duration grace);

  /** Delivers a human's answer to a question the attempt asked. */
  void hitlAnswer(HitlAnswer answer);

  /** Delivers a user's chat message. */
  void userMessage(UserMessage message);
}
