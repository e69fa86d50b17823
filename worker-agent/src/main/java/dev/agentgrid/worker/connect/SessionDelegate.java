package dev.agentgrid.worker.connect;

import dev.agentgrid.proto.v1.ConnectRequest;
import dev.agentgrid.proto.v1.ConnectResponse;
import dev.agentgrid.proto.v1.Heartbeat;
import dev.agentgrid.proto.v1.Hello;
import java.util.Optional;

/** What a {@link PlaneConnection} needs from the rest of the worker. */
public interface SessionDelegate {

  /** The Hello that opens the next session, listing the attempts held right now. */
  Hello hello();

  /** A heartbeat for right now: metrics and held attempts. Must not throw. */
  Heartbeat heartbeat();

  /**
   * Handles a plane-to-worker message other than Welcome. Called on the dispatch thread, one message
   * at a time; while it runs the worker reads no further message from the plane (inbound flow
   * control), so it may block briefly but never for long.
   */
  void onPlaneMessage(ConnectResponse message);

  /** Told after a message was handed to the transport. */
  void onSent(ConnectRequest message);

  /** Why the worker drains, if it does; each new session reports it again. */
  Optional<String> drainingReason();
}
