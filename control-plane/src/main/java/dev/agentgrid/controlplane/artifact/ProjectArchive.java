package dev.agentgrid.controlplane.artifact;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code project_archives}: a project's generated ZIP.
 *
 * @param content the ZIP, base64-encoded
 */
@MappedEntity("project_archives")
public record ProjectArchive(@Id UUID projectId, String fileName, long sizeBytes, int fileCount, String sha256,
        String content, Instant createdAt) {
}
