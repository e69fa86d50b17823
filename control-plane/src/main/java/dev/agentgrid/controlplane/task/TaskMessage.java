package dev.agentgrid.controlplane.task;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code task_messages}: coalesced output of an attempt, or one chat message.
 *
 * @param firstSeq first output chunk sequence number in this row (0 for chat)
 * @param lastSeq last output chunk sequence number in this row (0 for chat)
 * @param delivered for a user's message, whether it reached the agent
 */
@MappedEntity("task_messages")
public record TaskMessage(
        @Id UUID id,
        UUID taskId,
        int attempt,
        TaskMessageKind kind,
        String content,
        String metadataJson,
        long firstSeq,
        long lastSeq,
        boolean delivered,
        Instant createdAt) {
}
