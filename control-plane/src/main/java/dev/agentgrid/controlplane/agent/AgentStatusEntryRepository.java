package dev.agentgrid.controlplane.agent;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.util.UUID;

/** Stores agent types' status history. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AgentStatusEntryRepository extends CrudRepository<AgentStatusEntry, UUID> {
}
