package dev.agentgrid.controlplane.task;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Stores tasks. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface TaskRepository extends CrudRepository<Task, UUID> {
    /** Reads and locks a task until the transaction ends. */
    @Query("SELECT * FROM tasks WHERE id = :id FOR UPDATE")
    Optional<Task> findByIdForUpdate(UUID id);

    /** Finds the task created with an idempotency key. */
    Optional<Task> findByRequestId(String requestId);

    /** A project's tasks, oldest first. */
    @Query("SELECT * FROM tasks WHERE project_id = :projectId ORDER BY created_at, id LIMIT :limit")
    List<Task> findByProject(UUID projectId, int limit);

    /** A project's unfinished tasks, locked, oldest first. */
    @Query("SELECT * FROM tasks WHERE project_id = :projectId"
            + " AND status IN ('PENDING', 'ASSIGNED', 'RUNNING', 'WAITING_FOR_HITL') ORDER BY created_at, id FOR UPDATE")
    List<Task> findUnfinishedByProjectForUpdate(UUID projectId);
}
