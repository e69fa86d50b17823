package dev.agentgrid.controlplane.hitl;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Stores HITL requests. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface HitlRequestRepository extends CrudRepository<HitlRequest, UUID> {
    /** Reads and locks a request until the transaction ends. */
    @Query("SELECT * FROM hitl_requests WHERE id = :id FOR UPDATE")
    Optional<HitlRequest> findByIdForUpdate(UUID id);

    /** A task's requests still waiting for an answer, locked. */
    @Query("SELECT * FROM hitl_requests WHERE task_id = :taskId AND status = 'PENDING' ORDER BY created_at, id FOR UPDATE")
    List<HitlRequest> findPendingByTaskForUpdate(UUID taskId);

    /** The question an attempt asked under a worker-chosen id, if any. */
    @Query("SELECT * FROM hitl_requests WHERE task_id = :taskId AND attempt = :attempt AND ask_id = :askId")
    Optional<HitlRequest> findQuestion(UUID taskId, int attempt, String askId);

    /** Answered questions of an attempt whose answer has not reached the agent yet. */
    @Query("SELECT * FROM hitl_requests WHERE task_id = :taskId AND attempt = :attempt AND kind = 'QUESTION'"
            + " AND delivered = FALSE AND status IN ('APPROVED', 'REJECTED', 'AMENDED', 'TIMED_OUT')"
            + " ORDER BY created_at, id")
    List<HitlRequest> findUndelivered(UUID taskId, int attempt);

    /** Records that an answer reached the worker. */
    @Query("UPDATE hitl_requests SET delivered = TRUE WHERE id = :id")
    void markDelivered(UUID id);

    /** A task's requests of one kind, oldest first. */
    @Query("SELECT * FROM hitl_requests WHERE task_id = :taskId AND kind = :kind ORDER BY created_at, id")
    List<HitlRequest> findByTaskAndKind(UUID taskId, String kind);
}
