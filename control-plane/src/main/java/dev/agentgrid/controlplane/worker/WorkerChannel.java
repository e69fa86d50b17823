package dev.agentgrid.controlplane.worker;

import java.util.UUID;

/**
 * One connected worker's stream, as the plane's logic sees it. Implemented by the gRPC layer,
 * which owns the wire format and flow control; every method may be called from any thread.
 */
public interface WorkerChannel {
    /** The worker's stable id. */
    String workerId();

    /** This connection's session id. */
    UUID sessionId();

    /** What the worker said in its Hello. */
    WorkerRegistration registration();

    /** Whether the worker takes no new work. */
    boolean isDraining();

    /** Marks the worker as taking no new work. */
    void markDraining();

    /** Sends an attempt to run. */
    void assign(Assignment assignment);

    /** Tells the worker to stop an attempt. */
    void cancel(UUID taskId, int attempt, String reason);

    /** Delivers a user's chat message to the agent. */
    void message(dev.agentgrid.controlplane.task.UserMessageDelivery message);

    /** Delivers a human's answer to the agent that asked. */
    void answer(dev.agentgrid.controlplane.hitl.HitlDelivery delivery);

    /** Tells the worker to take no new work and finish what it runs. */
    void drain(String reason);

    /** Closes the stream because a newer connection of the same worker took over. */
    void supersede();

    /** Closes the stream because the worker stopped heartbeating (a half-open connection). */
    void expire();

    /** Closes the stream because the control plane is shutting down. */
    void shutdown();
}
