package dev.agentgrid.controlplane.artifact;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code context_artifacts}. */
@MappedEntity("context_artifacts")
public record Artifact(
        @Id UUID id,
        UUID projectId,
        @Nullable UUID taskId,
        String sourceAgent,
        String name,
        String artifactType,
        String mediaType,
        ContentEncoding contentEncoding,
        String content,
        long sizeBytes,
        Instant createdAt) {

    /** The same artifact without its content (for listings). */
    public Artifact withoutContent() {
        return new Artifact(id, projectId, taskId, sourceAgent, name, artifactType, mediaType, contentEncoding, "",
                sizeBytes, createdAt);
    }
}
