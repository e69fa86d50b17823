package dev.agentgrid.controlplane.task;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.List;
import java.util.UUID;

/** Stores task messages. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface TaskMessageRepository extends CrudRepository<TaskMessage, UUID> {
    /** A user's messages to an attempt not yet delivered, oldest first. */
    @Query("SELECT * FROM task_messages WHERE task_id = :taskId AND attempt = :attempt AND kind = 'USER'"
            + " AND delivered = FALSE ORDER BY created_at, id")
    List<TaskMessage> findUndelivered(UUID taskId, int attempt);

    /** Records a delivery. */
    @Query("UPDATE task_messages SET delivered = TRUE WHERE id = :id")
    void markDelivered(UUID id);
}
