package dev.agentgrid.controlplane.task;

import java.util.UUID;

/** A user's chat message on its way to the agent running an attempt. */
public record UserMessageDelivery(UUID messageId, UUID taskId, int attempt, String content, String metadataJson) {

    /** The delivery of a stored message. */
    public static UserMessageDelivery of(TaskMessage m) {
        return new UserMessageDelivery(m.id(), m.taskId(), m.attempt(), m.content(), m.metadataJson());
    }
}
