package dev.agentgrid.bench;

import dev.agentgrid.proto.v1.AssignTask;

/** Told of every AssignTask a simulated worker receives, on a gRPC callback thread: keep it short. */
@FunctionalInterface
public interface AssignmentListener {
    AssignmentListener NONE = (workerId, task, receivedNanos) -> { };

    /** {@code receivedNanos} is {@link System#nanoTime()} when the message arrived. */
    void assigned(String workerId, AssignTask task, long receivedNanos);
}
