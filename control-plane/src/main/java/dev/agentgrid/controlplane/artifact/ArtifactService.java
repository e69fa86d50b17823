package dev.agentgrid.controlplane.artifact;

import dev.agentgrid.controlplane.common.Ids;
import dev.agentgrid.controlplane.common.InvalidArgumentException;
import dev.agentgrid.controlplane.common.Json;
import dev.agentgrid.controlplane.common.NotFoundException;
import dev.agentgrid.controlplane.common.PageToken;
import dev.agentgrid.controlplane.event.EventTypes;
import dev.agentgrid.controlplane.project.ProjectRepository;
import dev.agentgrid.controlplane.store.Changes;
import dev.agentgrid.controlplane.store.Listing;
import dev.agentgrid.controlplane.store.Store;
import dev.agentgrid.controlplane.task.Task;
import dev.agentgrid.controlplane.task.TaskRepository;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import jakarta.inject.Singleton;
import java.util.UUID;

/** Stores and reads a project's artifacts. */
@Singleton
public class ArtifactService {
    /** Source agent of an artifact a user uploaded. */
    public static final String USER_SOURCE = "user";

    private final Store store;
    private final JdbcOperations jdbc;
    private final ArtifactRepository artifacts;
    private final ProjectRepository projects;
    private final TaskRepository tasks;

    public ArtifactService(Store store, JdbcOperations jdbc, ArtifactRepository artifacts, ProjectRepository projects,
            TaskRepository tasks) {
        this.store = store;
        this.jdbc = jdbc;
        this.artifacts = artifacts;
        this.projects = projects;
        this.tasks = tasks;
    }

    /** Stores a user's artifact. */
    public Artifact create(NewArtifact a) {
        return store.write(c -> {
            projects.findById(a.projectId())
                    .orElseThrow(() -> new NotFoundException("project " + a.projectId() + " not found"));
            String source = USER_SOURCE;
            if (a.taskId() != null) {
                Task t = tasks.findById(a.taskId())
                        .filter(task -> task.projectId().equals(a.projectId()))
                        .orElseThrow(() -> new InvalidArgumentException("task_id",
                                "task " + a.taskId() + " is not a task of project " + a.projectId()));
                source = t.agentType();
            }
            return store(c, a, source);
        });
    }

    /** Stores an artifact in the current transaction and emits {@code artifact_created}. */
    public Artifact store(Changes c, NewArtifact a, String sourceAgent) {
        Artifact saved = artifacts.save(new Artifact(Ids.next(), a.projectId(), a.taskId(), sourceAgent,
                a.name(), a.artifactType(), a.mediaType(), a.encoding(), a.content(), a.sizeBytes(), c.now()));
        c.emit(EventTypes.ARTIFACT_CREATED, a.projectId(), a.taskId(), null, sourceAgent, Json.object(
                "artifact_id", saved.id().toString(),
                "name", saved.name(),
                "artifact_type", saved.artifactType(),
                "size_bytes", saved.sizeBytes(),
                "message", "Artifact '" + saved.name() + "' stored",
                "download_available", true,
                "generated_at", c.now()));
        return saved.withoutContent();
    }

    /** One artifact with its content. */
    public Artifact get(UUID id) {
        return store.read(() -> artifacts.findById(id))
                .orElseThrow(() -> new NotFoundException("artifact " + id + " not found"));
    }

    /** A page of a project's artifacts without content, oldest first. */
    public Listing.Page<Artifact> list(UUID projectId, int pageSize, PageToken token) {
        return store.read(() -> {
            projects.findById(projectId)
                    .orElseThrow(() -> new NotFoundException("project " + projectId + " not found"));
            return listInTx(projectId, pageSize, token);
        });
    }

    /** As {@link #list} inside the caller's transaction, without the project check. */
    public Listing.Page<Artifact> listInTx(UUID projectId, int pageSize, PageToken token) {
        // Listings leave the content (up to 16 MiB each) in the database.
        return new Listing<>(jdbc, "context_artifacts", Artifact.class, a -> Listing.cursor(a.createdAt(), a.id()),
                UUID::fromString)
                .columns("id, project_id, task_id, source_agent, name, artifact_type, media_type, content_encoding,"
                        + " '' AS content, size_bytes, created_at")
                .whereEquals("project_id", projectId)
                .page(pageSize, token, false);
    }
}
