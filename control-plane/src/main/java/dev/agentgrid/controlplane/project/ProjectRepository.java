package dev.agentgrid.controlplane.project;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.Optional;
import java.util.UUID;

/** Stores projects. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ProjectRepository extends CrudRepository<Project, UUID> {
    /** Reads and locks a project until the transaction ends. */
    @Query("SELECT * FROM projects WHERE id = :id FOR UPDATE")
    Optional<Project> findByIdForUpdate(UUID id);

    /** Finds the project created with an idempotency key. */
    Optional<Project> findByRequestId(String requestId);
}
