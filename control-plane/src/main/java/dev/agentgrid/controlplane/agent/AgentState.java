package dev.agentgrid.controlplane.agent;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code agent_statuses}: the current status of one agent type. */
@MappedEntity("agent_statuses")
public record AgentState(
        @Id String agentType,
        AgentStatus status,
        @Nullable UUID currentTaskId,
        String statusReason,
        Instant lastActivity,
        @Nullable Instant resetAt) {
}
