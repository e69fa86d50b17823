package dev.agentgrid.controlplane.hitl;

import java.util.UUID;

/** A human's answer on its way to the agent that asked. */
public record HitlDelivery(UUID requestId, UUID taskId, int attempt, String askId, HitlAction action, String content) {

    /** The delivery of an answered request. */
    public static HitlDelivery of(HitlRequest r) {
        return new HitlDelivery(r.id(), r.taskId(), r.attempt(), r.askId(), r.action(),
                r.responseContent() == null ? "" : r.responseContent());
    }
}
