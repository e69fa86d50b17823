package dev.agentgrid.controlplane.artifact;

import java.util.UUID;

/** A validated artifact to store; {@code content} is encoded as {@code encoding} says. */
public record NewArtifact(UUID projectId, UUID taskId, String name, String artifactType, String mediaType,
        ContentEncoding encoding, String content, long sizeBytes) {
}
