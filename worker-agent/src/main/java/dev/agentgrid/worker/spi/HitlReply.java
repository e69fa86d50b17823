package dev.agentgrid.worker.spi;

/**
 * A human's answer to a question an agent asked.
 *
 * @param requestId the plane's HITL request id
 * @param action what the human decided
 * @param content the human's text: amended content, or a comment
 */
public record HitlReply(String requestId, Action action, String content) {

  /** A human's decision. */
  public enum Action {
    /** Go ahead as asked. */
    APPROVE,
    /** Do not go ahead. */
    REJECT,
    /** Go ahead with the content of the reply. */
    AMEND
  }

  /** Whether the human approved, as asked or amended. */
  public boolean approved() {
    return action == Action.APPROVE || action == Action.AMEND;
  }
}
