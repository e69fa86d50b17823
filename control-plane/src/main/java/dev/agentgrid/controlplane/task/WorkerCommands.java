package dev.agentgrid.controlplane.task;

import java.util.UUID;

/** What task logic asks of connected workers; implemented by the worker sessions. */
public interface WorkerCommands {
    /** Tells the worker holding an attempt to stop it (no-op if it is not connected here). */
    void cancel(String workerId, UUID taskId, int attempt, String reason);

    /** Delivers a user's chat message to the worker running the attempt (no-op if not here). */
    void message(String workerId, UserMessageDelivery message);

    /** Delivers a human's answer to the worker running the attempt that asked (no-op if not here). */
    void answer(String workerId, dev.agentgrid.controlplane.hitl.HitlDelivery delivery);
}
