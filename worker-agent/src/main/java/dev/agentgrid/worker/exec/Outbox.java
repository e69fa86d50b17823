package dev.agentgrid.worker.exec;

import dev.agentgrid.proto.v1.ConnectRequest;

/**
 * Where running attempts put the messages they send to the control plane. The worker keeps these
 * messages across a short disconnect and sends them, in order, once the next session is accepted.
 */
public interface Outbox {

  /**
   * Adds a message that may be lost under pressure (output chunks, progress). Never blocks.
   *
   * @return false if the outbox was full and the message was dropped (the drop is counted and
   *     logged)
   */
  boolean offer(ConnectRequest message);

  /**
   * Adds a message that must not be lost (results, artifacts, questions, accept/reject). Blocks the
   * calling thread while the outbox is full, for a bounded time.
   *
   * @return false only if the outbox stayed full for the whole wait and the message was dropped
   * @throws InterruptedException if the calling thread was interrupted while waiting
   */
  boolean put(ConnectRequest message) throws InterruptedException;
}
