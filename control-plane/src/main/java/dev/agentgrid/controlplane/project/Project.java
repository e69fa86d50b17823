package dev.agentgrid.controlplane.project;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code projects}. */
@MappedEntity("projects")
public record Project(
        @Id UUID id,
        String name,
        String description,
        String productIdea,
        String templateId,
        ProjectStatus status,
        String statusReason,
        @Nullable String requestId,
        Instant createdAt,
        Instant updatedAt,
        @Nullable Instant finishedAt) {

    /** The project in another status. */
    public Project withStatus(ProjectStatus newStatus, String reason, Instant now) {
        return new Project(id, name, description, productIdea, templateId, newStatus, reason, requestId, createdAt,
                now, newStatus == ProjectStatus.ACTIVE ? null : now);
    }
}
