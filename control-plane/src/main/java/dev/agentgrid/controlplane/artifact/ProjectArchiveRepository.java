package dev.agentgrid.controlplane.artifact;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.UUID;

/** Stores project archives. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ProjectArchiveRepository extends CrudRepository<ProjectArchive, UUID> {
}
