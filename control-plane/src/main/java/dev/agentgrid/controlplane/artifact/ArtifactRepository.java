package dev.agentgrid.controlplane.artifact;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.UUID;

/** Stores artifacts. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ArtifactRepository extends CrudRepository<Artifact, UUID> {
    /** A task's artifacts with content, oldest first. */
    @Query("SELECT * FROM context_artifacts WHERE task_id = :taskId ORDER BY created_at, id")
    List<Artifact> findByTask(UUID taskId);

    /** A project's artifacts with content, oldest first. */
    @Query("SELECT * FROM context_artifacts WHERE project_id = :projectId ORDER BY created_at, id")
    List<Artifact> findByProject(UUID projectId);
}
