package dev.agentgrid.controlplane.agent;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code agent_status_history}. */
@MappedEntity("agent_status_history")
public record AgentStatusEntry(
        @Id UUID id,
        String agentType,
        AgentStatus status,
        @Nullable UUID taskId,
        String reason,
        Instant createdAt) {
}
